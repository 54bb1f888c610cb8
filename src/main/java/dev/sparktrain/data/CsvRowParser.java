package dev.sparktrain.data;

import dev.sparktrain.SparkTrainException;

import java.io.Serializable;

/**
 * Parses one CSV line into features and a target (class index, mapped name, or real value),
 * refusing anything that is not what the job file promised, with the file and line in the
 * message. Fields are split by {@link CsvLine} (quotes, escaped quotes, BOM). Columns are
 * resolved beforehand ({@link #CsvRowParser(String, int, int, int, int[], Labels)}). One per
 * task: Spark gives each task its own deserialized copy.
 */
public final class CsvRowParser implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int features;
    private final int columns;
    private final int labelColumn;
    private final int[] featureColumns;
    private final Labels labels;
    /** Made on first use where the rows are read (univocity's parser is not serializable). */
    private transient CsvLine csv;

    /**
     * @param columns        columns every line must have, or -1 when unknown (then at least the
     *                       ones used; without a feature list, features + 1)
     * @param labelColumn    0-based column of the label, or -1 for the last column of each line
     * @param featureColumns 0-based feature columns in order, or null for every other column
     */
    public CsvRowParser(String file, int features, int columns, int labelColumn, int[] featureColumns, Labels labels) {
        this.file = file;
        this.features = features;
        this.columns = columns >= 0 ? columns : featureColumns == null ? features + 1 : -1;
        this.labelColumn = labelColumn;
        this.featureColumns = featureColumns;
        this.labels = labels;
    }

    /** The old form: every column but the label is a feature; class indices or real labels. */
    public CsvRowParser(String file, int features, int labelColumn, int classes) {
        this(file, features, -1, labelColumn, null, Labels.indices(classes));
    }

    /** Parses {@code line} (1-based {@code lineNo}) into x[0..features) and returns the target. */
    public double parse(String line, long lineNo, double[] x) {
        String where = file + ":" + lineNo;
        String[] cols = fields(line, where);
        if (columns >= 0 && cols.length != columns) {
            throw new SparkTrainException(where + ": expected " + columns + " columns"
                    + (featureColumns == null ? " (" + features + " features and a label)" : "") + ", found " + cols.length);
        }
        int label = labelColumn < 0 ? cols.length - 1 : labelColumn;
        if (label >= cols.length) throw new SparkTrainException(where + ": no column " + (label + 1) + " (label); found " + cols.length + " columns");
        if (featureColumns == null) {
            int j = 0;
            for (int c = 0; c < cols.length; c++) if (c != label) x[j++] = feature(cols, c, where);
        } else {
            for (int j = 0; j < featureColumns.length; j++) {
                int c = featureColumns[j];
                if (c >= cols.length) throw new SparkTrainException(where + ": no column " + (c + 1) + "; found " + cols.length + " columns");
                x[j] = feature(cols, c, where);
            }
        }
        try {
            return labels.ofText(cols[label]);
        } catch (SparkTrainException e) {
            throw new SparkTrainException(where + ": " + e.getMessage());
        }
    }

    /** The label field of a line (1-based {@code lineNo}), as text (for {@code data.labels = auto}). */
    public String labelText(String line, long lineNo) {
        String[] cols = fields(line, file + ":" + lineNo);
        int label = labelColumn < 0 ? cols.length - 1 : labelColumn;
        return label < cols.length ? cols[label].strip() : "";
    }

    private String[] fields(String line, String where) {
        if (csv == null) csv = new CsvLine(columns >= 0 ? columns : features + 1);
        return csv.split(line, where);
    }

    private static double feature(String[] cols, int c, String where) {
        String s = cols[c].trim();
        double v;
        try {
            v = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new SparkTrainException(where + ": column " + (c + 1) + " is '" + s + "', expected a number");
        }
        if (!Double.isFinite(v)) {
            throw new SparkTrainException(where + ": column " + (c + 1) + " is " + s + "; features must be finite numbers");
        }
        return v;
    }
}
