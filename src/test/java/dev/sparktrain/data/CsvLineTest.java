package dev.sparktrain.data;

import dev.sparktrain.SparkTrainException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One CSV line into fields (univocity) and into a row: quotes, escapes, BOM, and one-line refusals. */
class CsvLineTest {
    private final CsvLine csv = new CsvLine(-1);

    private String refused(String line) {
        String m = assertThrows(SparkTrainException.class, () -> csv.split(line, "f.csv:7")).getMessage();
        assertFalse(m.contains("\n"), m);
        assertTrue(m.startsWith("f.csv:7: "), m);
        return m;
    }

    @Test
    void quotedFieldsHoldCommasAndDoubledQuotes() {
        assertArrayEquals(new String[] {"1,5", "2", "a \"b\" c"}, csv.split("\"1,5\",2,\"a \"\"b\"\" c\"", "x"));
        assertArrayEquals(new String[] {"1", "2", "3"}, csv.split(" 1 , \"2\" ,3", "x"));
        assertArrayEquals(new String[] {"", "", ""}, csv.split(",\"\",", "x"));
        assertArrayEquals(new String[] {"a\"b", "2"}, csv.split("a\"b,2", "x"), "a quote inside an unquoted field is a character");
        assertArrayEquals(new String[] {"#1", "2"}, csv.split("#1,2", "x"), "no comment lines");
    }

    @Test
    void byteOrderMarkAtTheStartIsDropped() {
        assertArrayEquals(new String[] {"1", "2"}, csv.split("\uFEFF1,2", "x"));
        assertArrayEquals(new String[] {"a,b", "c"}, csv.split("\uFEFF\"a,b\",c", "x"));
        assertEquals("x,y", CsvLine.withoutBom("\uFEFFx,y"));
    }

    @Test
    void aLineWiderThanExpectedIsStillSplit() {
        String wide = String.join(",", java.util.Collections.nCopies(3000, "1"));
        assertEquals(3000, csv.split(wide, "x").length);
        assertEquals(3000, new CsvLine(4).split(wide, "x").length);
        assertEquals(2, csv.split("1,2", "x").length, "the parser is reused after widening");
    }

    @Test
    void unterminatedQuoteAndJunkAfterAQuoteAreRefusedInOneLine() {
        assertTrue(refused("1,\"2,3").contains("a quoted field is not closed on this line"));
        assertTrue(refused("\"a\"\",3").contains("not closed"));
        String m = refused("1,\"x\"y,3");
        assertTrue(m.contains("column 2 is not valid CSV"), m);
        assertArrayEquals(new String[] {"4", "5"}, csv.split("4,5", "x"), "a refusal leaves the splitter usable");
        assertFalse(CsvLine.opensQuoteToTheEnd("\"a\"\"b\",\"\""));
        assertTrue(CsvLine.opensQuoteToTheEnd("1, \"open"));
    }

    @Test
    void rowParserCountsQuotedColumnsAndKeepsItsMessages() {
        CsvRowParser p = new CsvRowParser("d.csv", 2, 3, -1, null, Labels.named(List.of("big, red", "small")));
        double[] x = new double[2];
        assertEquals(0.0, p.parse("\"1.5\", 2,\"big, red\"", 4, x));
        assertArrayEquals(new double[] {1.5, 2}, x);
        assertEquals(1.0, p.parse("\uFEFF3,4,small", 1, x));
        assertEquals("big, red", p.labelText("0,0,\"big, red\"", 9));
        String m = assertThrows(SparkTrainException.class, () -> p.parse("1,\"2,5\",x,small", 12, x)).getMessage();
        assertEquals("d.csv:12: expected 3 columns (2 features and a label), found 4", m);
        m = assertThrows(SparkTrainException.class, () -> p.parse("\"1,5\",2,small", 13, x)).getMessage();
        assertEquals("d.csv:13: column 1 is '1,5', expected a number", m);
        m = assertThrows(SparkTrainException.class, () -> p.parse("1,2,\"small", 14, x)).getMessage();
        assertTrue(m.startsWith("d.csv:14: a quoted field is not closed"), m);
    }
}
