package dev.sparktrain.spark.load.source;

import dev.sparktrain.data.CsvLine;
import dev.sparktrain.data.DataSettings;
import dev.sparktrain.SparkTrainException;

/**
 * Which CSV columns hold the label and the features, resolved on the driver from the settings
 * and the header (when there is one), so a wrong name or count fails before any task runs.
 *
 * @param columns        columns every line must have, or -1 without a header
 * @param labelColumn    0-based, or -1 for the last column of each line
 * @param featureColumns 0-based, in order, or null for every column but the label
 */
record CsvColumns(int columns, int labelColumn, int[] featureColumns) {

    /** {@code header} is the header line as read, or null when the file has none. */
    static CsvColumns resolve(String header, String path, DataSettings s) {
        String[] names = null;
        if (header != null) names = new CsvLine(-1).split(header, path + ": the header line");
        String labelSpec = s.labelColumn() == null ? "last" : s.labelColumn();
        int label = labelSpec.equalsIgnoreCase("last") ? (names == null ? -1 : names.length - 1)
                : column(names, labelSpec, "data.label_column", path);
        int[] cols = null;
        if (!s.featureColumns().isEmpty()) {
            cols = new int[s.featureColumns().size()];
            for (int i = 0; i < cols.length; i++) {
                cols[i] = column(names, s.featureColumns().get(i), "data.feature_columns", path);
                if (cols[i] == label) throw new SparkTrainException("data.feature_columns: column '" + s.featureColumns().get(i)
                        + "' of " + path + " is also the label column");
            }
            if (cols.length != s.features()) {
                throw new SparkTrainException("data.feature_columns: lists " + cols.length + " columns but data.features is " + s.features());
            }
        } else if (names != null && names.length - 1 != s.features()) {
            throw new SparkTrainException(path + ": the header has " + names.length + " columns, so " + (names.length - 1)
                    + " features besides the label, but data.features is " + s.features());
        } else if (names == null && label >= 0 && label > s.features()) {
            throw new SparkTrainException("data.label_column: " + label + " is beyond the " + (s.features() + 1)
                    + " columns (" + s.features() + " features and a label)");
        }
        return new CsvColumns(names == null ? -1 : names.length, label, cols);
    }

    /** A column by name (exact, then ignoring case) or 0-based index. */
    private static int column(String[] names, String spec, String key, String path) {
        if (names != null) {
            for (int i = 0; i < names.length; i++) if (names[i].equals(spec)) return i;
            for (int i = 0; i < names.length; i++) if (names[i].equalsIgnoreCase(spec)) return i;
        }
        if (spec.matches("\\d+")) {
            int i = Integer.parseInt(spec);
            if (names == null || i < names.length) return i;
        }
        if (names == null) {
            throw new SparkTrainException(key + ": '" + spec + "' is not a column index; column names need data.header = true");
        }
        throw new SparkTrainException(key + ": no column '" + spec + "' in " + path + "; its columns are " + String.join(", ", names));
    }
}
