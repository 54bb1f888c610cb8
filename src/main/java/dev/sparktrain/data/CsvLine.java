package dev.sparktrain.data;

import com.univocity.parsers.common.TextParsingException;
import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import com.univocity.parsers.csv.UnescapedQuoteHandling;
import dev.sparktrain.SparkTrainException;

/**
 * Splits one CSV line into its fields with univocity-parsers, the CSV reader Spark SQL itself
 * uses (provided by Spark): RFC 4180 quoting ({@code "a,b"} is one field, {@code ""} inside
 * quotes is a quote), blanks around fields dropped, a UTF-8 byte-order mark at the start of a line
 * dropped, no comment lines. Lines come from Spark's {@code textFile} (which ends lines at LF,
 * CRLF or CR) so that errors keep their line numbers; a quoted field that does not end on its
 * line (one holding a line break) is refused. Not thread-safe: one per task.
 */
public final class CsvLine {
    private static final char QUOTE = '"';
    private static final char BOM = '\uFEFF';

    /** Columns the parser has room for; a longer line gets a wider parser (univocity needs a bound). */
    private int capacity;
    private CsvParser parser;

    /** @param expectedColumns columns a line is expected to have (a hint; -1 if unknown): any number is split */
    public CsvLine(int expectedColumns) {
        this.capacity = Math.max(expectedColumns + 1, 512);
    }

    /** {@code line} without a leading byte-order mark (the first line of a file saved "UTF-8 with BOM"). */
    public static String withoutBom(String line) {
        return !line.isEmpty() && line.charAt(0) == BOM ? line.substring(1) : line;
    }

    /** The fields of {@code line}; {@code where} ({@code file:line}) starts every error. */
    public String[] split(String line, String where) {
        String text = withoutBom(line);
        if (text.indexOf(QUOTE) >= 0 && opensQuoteToTheEnd(text)) {
            throw new SparkTrainException(where + ": a quoted field is not closed on this line (a quoted field "
                    + "may not hold a line break)");
        }
        while (true) {
            try {
                String[] fields = parser().parseLine(text);
                return fields == null ? new String[] {""} : fields;
            } catch (TextParsingException e) {
                parser = null; // a parser that threw is not reused
                if (!(e.getCause() instanceof ArrayIndexOutOfBoundsException)) {
                    throw new SparkTrainException(where + ": column " + (e.getColumnIndex() + 1) + " is not valid CSV: a "
                            + "quote inside a quoted field must be doubled (\"\"), and nothing may follow the closing quote");
                }
                capacity *= 4; // more columns than room for: a wider parser, same line
            }
        }
    }

    private CsvParser parser() {
        if (parser == null) {
            CsvParserSettings s = new CsvParserSettings();
            s.getFormat().setDelimiter(',');
            s.getFormat().setQuote(QUOTE);
            s.getFormat().setQuoteEscape(QUOTE);
            s.getFormat().setComment('\0');
            s.setNullValue("");
            s.setEmptyValue("");
            s.setUnescapedQuoteHandling(UnescapedQuoteHandling.RAISE_ERROR);
            s.setMaxCharsPerColumn(-1);
            s.setMaxColumns(capacity);
            s.setReadInputOnSeparateThread(false);
            s.setErrorContentLength(0); // messages carry no row contents
            parser = new CsvParser(s);
        }
        return parser;
    }

    /** Whether a field of {@code line} opens a quote that the line never closes. */
    static boolean opensQuoteToTheEnd(String line) {
        boolean fieldStart = true;
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == QUOTE) {
                    if (i + 1 < line.length() && line.charAt(i + 1) == QUOTE) i++;
                    else quoted = false;
                }
            } else if (c == ',') {
                fieldStart = true;
            } else if (c == QUOTE && fieldStart) {
                quoted = true;
                fieldStart = false;
            } else if (!Character.isWhitespace(c)) {
                fieldStart = false;
            }
        }
        return quoted;
    }
}
