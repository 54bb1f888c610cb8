package dev.sparktrain.data;

import dev.sparktrain.SparkTrainException;

import java.io.Serializable;

/**
 * Parses one CSV line into features and a class-index (or real) label, refusing anything that
 * is not what the job file promised, with the file and line in the message.
 */
public final class CsvRowParser implements Serializable {
    private final String file;
    private final int features;
    private final int labelColumn;
    private final int classes;

    /**
     * @param labelColumn 0-based column of the label, or -1 for the last column
     * @param classes     number of classes, or 0 for a real-valued (regression) label
     */
    public CsvRowParser(String file, int features, int labelColumn, int classes) {
        this.file = file;
        this.features = features;
        this.labelColumn = labelColumn;
        this.classes = classes;
    }

    /** Parses {@code line} (1-based {@code lineNo}) into x[0..features) and returns the label. */
    public double parse(String line, long lineNo, double[] x) {
        String[] cols = line.split(",", -1);
        int expected = features + 1;
        String where = file + ":" + lineNo;
        if (cols.length != expected) {
            throw new SparkTrainException(where + ": expected " + expected + " columns (" + features
                    + " features and a label), found " + cols.length);
        }
        int label = labelColumn < 0 ? features : labelColumn;
        double y = Double.NaN;
        int j = 0;
        for (int c = 0; c < cols.length; c++) {
            double v = number(cols[c], where, c);
            if (c == label) {
                y = v;
            } else {
                if (!Double.isFinite(v)) {
                    throw new SparkTrainException(where + ": column " + (c + 1) + " is " + cols[c].trim()
                            + "; features must be finite numbers");
                }
                x[j++] = v;
            }
        }
        if (classes > 0 && (y != Math.rint(y) || y < 0 || y >= classes)) {
            throw new SparkTrainException(where + ": label " + cols[label].trim() + " is not a class index in 0.."
                    + (classes - 1));
        }
        if (classes == 0 && !Double.isFinite(y)) {
            throw new SparkTrainException(where + ": label " + cols[label].trim() + " is not a finite number");
        }
        return y;
    }

    private static double number(String s, String where, int c) {
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            throw new SparkTrainException(where + ": column " + (c + 1) + " is '" + s.trim() + "', expected a number");
        }
    }
}
