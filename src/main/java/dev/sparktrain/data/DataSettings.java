package dev.sparktrain.data;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Options;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where the data is, how to read it and how to keep it in memory: the job file's {@code data.*}
 * keys ({@link #fromOptions}) or, from Java, {@link #builder}.
 */
public final class DataSettings implements Serializable {
    /** The {@code data.*} keys a job file may set. */
    public static final List<String> KEYS = List.of("path", "format", "header", "features", "label_column",
            "feature_columns", "labels", "classes", "validation_fraction", "validation_path", "partitions",
            "standardize", "storage", "precision");

    /** Input formats: csv is read line by line; the others through Spark SQL's readers. */
    public enum Format { CSV, LIBSVM, PARQUET, ORC, JSON }

    /** Feature storage: auto = sparse (CSR) for libsvm, dense for every other source. */
    public enum StorageChoice { AUTO, DENSE, SPARSE }

    /** How labels become targets: as they are (class index / real value), or by a name mapping. */
    public enum LabelMode { INDEX, AUTO, NAMES }

    private final String path;
    private final Format format;
    private final boolean header;
    private final int features;
    private final String labelColumn;
    private final List<String> featureColumns;
    private final String weightColumn;
    private final LabelMode labelMode;
    private final List<String> labelNames;
    private final int classes;
    private final double validationFraction;
    private final String validationPath;
    private final int partitions;
    private final long seed;
    private final boolean standardize;
    private final StorageChoice storage;
    private final PackedBlock.Precision precision;
    private final int groupBatch;
    private final Integer ignoredLabel;

    private DataSettings(Builder b) {
        this.path = b.path;
        this.format = b.format;
        this.header = b.header;
        this.features = b.features;
        this.labelColumn = b.labelColumn;
        this.featureColumns = List.copyOf(b.featureColumns);
        this.weightColumn = b.weightColumn;
        this.labelMode = b.labelMode;
        this.labelNames = List.copyOf(b.labelNames);
        this.classes = b.classes;
        this.validationFraction = b.validationFraction;
        this.validationPath = b.validationPath;
        this.partitions = b.partitions;
        this.seed = b.seed;
        this.standardize = b.standardize;
        this.storage = b.storage;
        this.precision = b.precision;
        this.groupBatch = b.groupBatch;
        this.ignoredLabel = b.ignoredLabel;
    }

    /**
     * Settings for a CSV file in short: {@code labelColumn} 0-based or -1 for the last column,
     * {@code classes} 0 for real labels.
     */
    public DataSettings(String path, boolean header, int features, int labelColumn, int classes,
                        double validationFraction, int partitions, long seed, boolean standardize) {
        this(builder(path, features).header(header).labelColumn(labelColumn < 0 ? "last" : String.valueOf(labelColumn))
                .classes(classes).validationFraction(validationFraction).partitions(partitions).seed(seed)
                .standardize(standardize));
    }

    /** Settings for {@code features} features read from {@code path} (null for a Dataset/RDD from Java). */
    public static Builder builder(String path, int features) {
        return new Builder(path, features);
    }

    /** A builder holding these settings, to change a few. */
    public Builder toBuilder() {
        Builder b = new Builder(path, features);
        b.format = format;
        b.header = header;
        b.labelColumn = labelColumn;
        b.featureColumns = new ArrayList<>(featureColumns);
        b.weightColumn = weightColumn;
        b.labelMode = labelMode;
        b.labelNames = new ArrayList<>(labelNames);
        b.classes = classes;
        b.validationFraction = validationFraction;
        b.validationPath = validationPath;
        b.partitions = partitions;
        b.seed = seed;
        b.standardize = standardize;
        b.storage = storage;
        b.precision = precision;
        b.groupBatch = groupBatch;
        b.ignoredLabel = ignoredLabel;
        return b;
    }

    /** The {@code data.*} section of a job file; {@code seed} is {@code train.seed}. */
    public static DataSettings fromOptions(Options o, long seed) {
        o.requireOnly(KEYS);
        String path = o.getString("path");
        Format format = Format.valueOf(o.getChoice("format", "csv", "csv", "libsvm", "parquet", "orc", "json")
                .toUpperCase(Locale.ROOT));
        int features = o.getInt("features");
        if (features < 1) throw o.error("features", "must be >= 1, got " + features);
        Builder b = builder(path, features).format(format).seed(seed);
        if (o.has("header")) {
            if (format != Format.CSV && o.getBool("header", false)) {
                throw o.error("header", "only for data.format = csv (" + name(format) + " knows its columns)");
            }
            b.header(o.getBool("header", false));
        }
        if (o.has("label_column")) {
            if (format == Format.LIBSVM && !o.getString("label_column").equals("label")) {
                throw o.error("label_column", "not for libsvm (the label is the first field of each line)");
            }
            String lc = o.getString("label_column");
            if (format == Format.CSV && !o.getBool("header", false) && !lc.equalsIgnoreCase("last")) {
                int i = o.getInt("label_column");
                if (i < 0 || i > features) throw o.error("label_column", "must be 'last' or 0.." + features + " (column names need data.header = true)");
            }
            b.labelColumn(lc);
        }
        if (o.has("feature_columns")) {
            if (format == Format.LIBSVM) throw o.error("feature_columns", "not for libsvm");
            String fc = o.getString("feature_columns");
            b.featureColumns(fc.equalsIgnoreCase("all") ? List.of() : splitList(fc));
        }
        String labels = o.getString("labels", "index");
        if (labels.equalsIgnoreCase("index")) b.labelMode = LabelMode.INDEX;
        else if (labels.equalsIgnoreCase("auto")) b.labelMode = LabelMode.AUTO;
        else b.labelNames(splitList(labels));
        int classes = o.getInt("classes", b.labelMode == LabelMode.NAMES ? b.labelNames.size() : 0);
        if (classes < 0 || classes == 1) throw o.error("classes", "must be 0 (regression) or >= 2, got " + classes);
        if (b.labelMode == LabelMode.NAMES && classes != b.labelNames.size()) {
            throw o.error("classes", "is " + classes + " but data.labels names " + b.labelNames.size() + " classes");
        }
        if (b.labelMode == LabelMode.AUTO && classes == 0) {
            throw o.error("labels", "auto maps labels to class indices: set data.classes to the number of classes");
        }
        if (b.labelMode == LabelMode.NAMES && b.labelNames.size() < 2) {
            throw o.error("labels", "list at least 2 class names, or use 'index' or 'auto'");
        }
        b.classes(classes);
        String valPath = o.getString("validation_path", null);
        double frac = o.getDouble("validation_fraction", valPath == null ? 0.2 : 0.0);
        if (frac < 0 || frac >= 1) throw o.error("validation_fraction", "must be in [0, 1), got " + frac);
        if (valPath != null && frac > 0) {
            throw o.error("validation_fraction", "give either a validation fraction or data.validation_path, not both");
        }
        b.validationFraction(frac).validationPath(valPath);
        int parts = o.getInt("partitions", 0);
        if (parts < 0) throw o.error("partitions", "must be >= 0, got " + parts);
        b.partitions(parts).standardize(o.getBool("standardize", false));
        b.storage(StorageChoice.valueOf(o.getChoice("storage", "auto", "auto", "dense", "sparse").toUpperCase(Locale.ROOT)));
        b.precision(o.getChoice("precision", "float64", "float64", "float32").equals("float32")
                ? PackedBlock.Precision.FLOAT32 : PackedBlock.Precision.FLOAT64);
        return b.build();
    }

    static List<String> splitList(String s) {
        List<String> out = new ArrayList<>();
        for (String p : s.split(",")) if (!p.strip().isEmpty()) out.add(p.strip());
        return out;
    }

    public static String name(Format f) {
        return f.name().toLowerCase(Locale.ROOT);
    }

    public String path() {
        return path;
    }

    public Format format() {
        return format;
    }

    public boolean header() {
        return header;
    }

    public int features() {
        return features;
    }

    /** {@code last}, a column name, a 0-based index, or null for the format's default. */
    public String labelColumn() {
        return labelColumn;
    }

    /** Feature columns by name or 0-based index; empty = every column but the label. */
    public List<String> featureColumns() {
        return featureColumns;
    }

    /** The column of per-row sample weights (Spark SQL sources), or null: every row weighs 1. */
    public String weightColumn() {
        return weightColumn;
    }

    public LabelMode labelMode() {
        return labelMode;
    }

    /** Class names in index order for {@link LabelMode#NAMES}. */
    public List<String> labelNames() {
        return labelNames;
    }

    /** Class count (labels 0..k-1), 0 for regression. */
    public int classes() {
        return classes;
    }

    /** Share of rows held out by a seeded hash of the row number (0 for none). */
    public double validationFraction() {
        return validationFraction;
    }

    /** A separate validation data set in the same format, or null. */
    public String validationPath() {
        return validationPath;
    }

    /** Partitions of the cached training set (0: Spark's default parallelism). */
    public int partitions() {
        return partitions;
    }

    public long seed() {
        return seed;
    }

    /** Scale features by the training set's statistics (dense: centre and scale; sparse: scale only). */
    public boolean standardize() {
        return standardize;
    }

    /** The storage used: auto resolves to sparse for libsvm and dense otherwise. */
    public PackedBlock.Storage storage() {
        return switch (storage) {
            case DENSE -> PackedBlock.Storage.DENSE;
            case SPARSE -> PackedBlock.Storage.SPARSE;
            case AUTO -> format == Format.LIBSVM ? PackedBlock.Storage.SPARSE : PackedBlock.Storage.DENSE;
        };
    }

    public PackedBlock.Precision precision() {
        return precision;
    }

    /** The label the loss ignores ({@code ignore_index}), accepted as it is and never a class; null: none. */
    public Integer ignoredLabel() {
        return ignoredLabel;
    }

    /**
     * The row groups the training blocks are cut into ({@link RowGroups#forTraining} for the run
     * set by {@link Builder#summedFor}; whole-data-set groups when none was set).
     */
    public RowGroups trainGroups(long rows) {
        return RowGroups.forTraining(rows, groupBatch);
    }

    /** Builds {@link DataSettings}; defaults as in the job-file reference. */
    public static final class Builder {
        private String path;
        private Format format = Format.CSV;
        private boolean header;
        private final int features;
        private String labelColumn;
        private List<String> featureColumns = new ArrayList<>();
        private String weightColumn;
        private LabelMode labelMode = LabelMode.INDEX;
        private List<String> labelNames = new ArrayList<>();
        private int classes;
        private double validationFraction;
        private String validationPath;
        private int partitions;
        private long seed = 42;
        private boolean standardize;
        private StorageChoice storage = StorageChoice.AUTO;
        private PackedBlock.Precision precision = PackedBlock.Precision.FLOAT64;
        private int groupBatch;
        private Integer ignoredLabel;

        private Builder(String path, int features) {
            if (features < 1) throw new SparkTrainException("data.features must be >= 1, got " + features);
            this.path = path;
            this.features = features;
        }

        public Builder path(String p) {
            this.path = p;
            return this;
        }

        public Builder format(Format f) {
            this.format = f;
            return this;
        }

        public Builder header(boolean h) {
            this.header = h;
            return this;
        }

        public Builder labelColumn(String c) {
            this.labelColumn = c;
            return this;
        }

        /** Per-row sample weights from this column (null or blank: none). */
        public Builder weightColumn(String col) {
            this.weightColumn = col == null || col.isBlank() ? null : col;
            return this;
        }

        public Builder featureColumns(List<String> cols) {
            this.featureColumns = new ArrayList<>(cols);
            return this;
        }

        /** Labels are class indices (or real values for regression); the default. */
        public Builder indexLabels() {
            this.labelMode = LabelMode.INDEX;
            this.labelNames = new ArrayList<>();
            return this;
        }

        /** Labels are names mapped to indices in sorted order (numeric order when all are numbers). */
        public Builder autoLabels() {
            this.labelMode = LabelMode.AUTO;
            this.labelNames = new ArrayList<>();
            return this;
        }

        /** Labels are these names; class index = position in the list. */
        public Builder labelNames(List<String> names) {
            this.labelMode = LabelMode.NAMES;
            this.labelNames = new ArrayList<>(names);
            return this;
        }

        public Builder classes(int k) {
            this.classes = k;
            return this;
        }

        public Builder validationFraction(double f) {
            this.validationFraction = f;
            return this;
        }

        public Builder validationPath(String p) {
            this.validationPath = p;
            return this;
        }

        public Builder partitions(int p) {
            this.partitions = p;
            return this;
        }

        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        public Builder standardize(boolean s) {
            this.standardize = s;
            return this;
        }

        public Builder storage(StorageChoice s) {
            this.storage = s;
            return this;
        }

        public Builder precision(PackedBlock.Precision p) {
            this.precision = p;
            return this;
        }

        /**
         * Cut the training blocks for a run with this batch size (0 = full batch), so the training
         * backend need not re-cut them (not a job-file key).
         */
        public Builder summedFor(int batchSize) {
            this.groupBatch = batchSize;
            return this;
        }

        /**
         * Accept labels equal to the loss's {@code ignore_index} (null: none) as that target,
         * never as a class (not a job-file key: it comes from {@code loss.ignore_index}).
         */
        public Builder ignoredLabel(Integer label) {
            this.ignoredLabel = label;
            return this;
        }

        public DataSettings build() {
            return new DataSettings(this);
        }
    }
}
