package dev.sparktrain.spark.load.source;

import dev.sparktrain.data.DataSettings;
import dev.sparktrain.data.Labels;
import dev.sparktrain.SparkTrainException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.UserDefinedType;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which columns of a Spark SQL row hold the label and the features, resolved once on the driver
 * against the schema (so a wrong column name or type fails before any task runs), then applied
 * to every row on the executors. Feature columns are numbers (one feature each) or vectors
 * (ML/MLlib {@code Vector}, {@code array<number>}, or the {@code struct<type,size,indices,values>}
 * a Vector becomes in JSON/ORC), concatenated in the order listed.
 */
final class RowLayout implements Serializable {
    enum Kind { NUMBER, VECTOR, MLLIB_VECTOR, ARRAY, VECTOR_STRUCT }

    final String source;
    final int features;
    final int labelField;
    final String labelName;
    final boolean labelIsText;
    final int[] fields;
    final String[] names;
    final Kind[] kinds;
    /** Width every vector must have when there is exactly one vector column, else -1 (total checked). */
    final int vectorWidth;
    /** The sample-weight column, or -1 (no weights: the blocks carry none). */
    final int weightField;
    final String weightName;

    private RowLayout(String source, int features, int labelField, String labelName, boolean labelIsText,
                      int[] fields, String[] names, Kind[] kinds, int weightField, String weightName) {
        this.source = source;
        this.features = features;
        this.labelField = labelField;
        this.labelName = labelName;
        this.labelIsText = labelIsText;
        this.fields = fields;
        this.names = names;
        this.kinds = kinds;
        this.weightField = weightField;
        this.weightName = weightName;
        int vectors = 0;
        for (Kind k : kinds) if (k != Kind.NUMBER) vectors++;
        this.vectorWidth = vectors == 1 ? features - (kinds.length - 1) : -1;
        if (vectors == 0 && kinds.length != features) {
            throw new SparkTrainException(source + ": " + kinds.length + " numeric feature columns (" + String.join(", ", names)
                    + ") but data.features is " + features);
        }
        if (vectors == 1 && vectorWidth < 1) {
            throw new SparkTrainException(source + ": " + (kinds.length - 1) + " numeric feature columns plus a vector "
                    + "leave no room in data.features = " + features);
        }
    }

    /**
     * Resolves {@code data.label_column} (name, 0-based index, or {@code last}; default
     * {@code label}) and {@code data.feature_columns} (names or indices; empty = every other
     * column) against {@code schema}.
     */
    static RowLayout resolve(StructType schema, DataSettings s, String source) {
        StructField[] f = schema.fields();
        String labelSpec = s.labelColumn() == null ? "label" : s.labelColumn();
        int label = column(f, labelSpec.equalsIgnoreCase("last") ? String.valueOf(f.length - 1) : labelSpec,
                "data.label_column", source);
        DataType lt = f[label].dataType();
        boolean text = lt instanceof StringType;
        if (!text && !(lt instanceof NumericType) && !(lt instanceof BooleanType)) {
            throw new SparkTrainException(source + ": label column '" + f[label].name() + "' is " + lt.simpleString()
                    + "; expected a number or a string");
        }
        if (text && s.labelMode() == DataSettings.LabelMode.INDEX) {
            throw new SparkTrainException(source + ": label column '" + f[label].name() + "' holds strings; "
                    + "map them to classes with data.labels = auto (sorted) or data.labels = name1, name2, ...");
        }
        int weight = weightColumn(f, s.weightColumn(), label, source);
        List<Integer> cols = new ArrayList<>();
        if (s.featureColumns().isEmpty()) {
            for (int i = 0; i < f.length; i++) if (i != label && i != weight) cols.add(i);
        } else {
            for (String c : s.featureColumns()) {
                int i = column(f, c, "data.feature_columns", source);
                if (i == label) throw new SparkTrainException(source + ": column '" + f[i].name() + "' is both the label and a feature");
                if (i == weight) throw new SparkTrainException(source + ": column '" + f[i].name() + "' is both the weight and a feature");
                cols.add(i);
            }
        }
        if (cols.isEmpty()) throw new SparkTrainException(source + ": no feature columns besides the label '" + f[label].name() + "'");
        int[] fields = cols.stream().mapToInt(Integer::intValue).toArray();
        String[] names = new String[fields.length];
        Kind[] kinds = new Kind[fields.length];
        for (int i = 0; i < fields.length; i++) {
            names[i] = f[fields[i]].name();
            kinds[i] = kind(f[fields[i]], source, s.featureColumns().isEmpty());
        }
        return new RowLayout(source, s.features(), label, f[label].name(), text, fields, names, kinds, weight,
                weight < 0 ? null : f[weight].name());
    }

    /** The sample-weight column's index (-1 when none is set): a numeric column other than the label. */
    private static int weightColumn(StructField[] f, String spec, int label, String source) {
        if (spec == null) return -1;
        int i = column(f, spec, "weight column", source);
        if (i == label) throw new SparkTrainException(source + ": column '" + f[i].name() + "' is both the label and the weight");
        DataType t = f[i].dataType();
        if (!(t instanceof NumericType)) {
            throw new SparkTrainException(source + ": weight column '" + f[i].name() + "' is " + t.simpleString()
                    + "; expected a number");
        }
        return i;
    }

    /** Whether rows carry sample weights. */
    boolean weighted() {
        return weightField >= 0;
    }

    /** Row {@code r}'s sample weight: a finite number >= 0, else one line naming the column and the row. */
    double weight(Row r, Where where) {
        if (r.isNullAt(weightField)) throw bad(where, "weight column '" + weightName + "' is null");
        double w = number(r.get(weightField));
        if (!(w >= 0) || Double.isInfinite(w)) {
            throw bad(where, "weight column '" + weightName + "' has " + w + "; weights must be finite and >= 0");
        }
        return w;
    }

    private static int column(StructField[] f, String spec, String key, String source) {
        for (int i = 0; i < f.length; i++) if (f[i].name().equals(spec)) return i;
        for (int i = 0; i < f.length; i++) if (f[i].name().equalsIgnoreCase(spec)) return i;
        if (spec.matches("\\d+")) {
            int i = Integer.parseInt(spec);
            if (i < f.length) return i;
        }
        List<String> all = new ArrayList<>();
        for (StructField x : f) all.add(x.name());
        throw new SparkTrainException(key + ": no column '" + spec + "' in " + source + "; its columns are "
                + String.join(", ", all));
    }

    private static Kind kind(StructField f, String source, boolean allOthers) {
        DataType t = f.dataType();
        if (t instanceof NumericType || t instanceof BooleanType) return Kind.NUMBER;
        if (t instanceof UserDefinedType<?> u) {
            String cls = u.getClass().getName();
            if (cls.equals("org.apache.spark.ml.linalg.VectorUDT")) return Kind.VECTOR;
            if (cls.equals("org.apache.spark.mllib.linalg.VectorUDT")) return Kind.MLLIB_VECTOR;
        }
        if (t instanceof ArrayType a && (a.elementType() instanceof NumericType)) return Kind.ARRAY;
        if (t instanceof StructType st) {
            List<String> n = Arrays.asList(st.fieldNames());
            // A Vector written to JSON/ORC: {type, size, indices, values}; dense ones may lack size/indices.
            if (n.containsAll(List.of("type", "values"))) return Kind.VECTOR_STRUCT;
        }
        throw new SparkTrainException(source + ": feature column '" + f.name() + "' is " + t.simpleString()
                + "; features must be numbers or vectors" + (allOthers ? " (every column but the label is a feature "
                + "unless data.feature_columns lists them)" : ""));
    }

    /** Where a row is, for messages. */
    interface Where {
        String at();
    }

    /**
     * Puts row {@code r}'s features into {@code a} and returns its target; errors name the source,
     * the row ({@code where}) and what was found.
     */
    double read(Row r, RowAssembler a, Labels labels, Where where) {
        a.reset();
        int pos = 0;
        for (int i = 0; i < fields.length; i++) {
            int fi = fields[i];
            if (r.isNullAt(fi)) throw bad(where, "feature column '" + names[i] + "' is null");
            switch (kinds[i]) {
                case NUMBER -> a.put(pos++, number(r.get(fi)), this, i, where);
                case VECTOR -> pos = vector((org.apache.spark.ml.linalg.Vector) r.get(fi), pos, a, i, where);
                case MLLIB_VECTOR -> pos = vector(((org.apache.spark.mllib.linalg.Vector) r.get(fi)).asML(), pos, a, i, where);
                case ARRAY -> {
                    List<Object> l = r.getList(fi);
                    pos = checkWidth(l.size(), pos, i, where);
                    for (int j = 0; j < l.size(); j++) {
                        Object v = l.get(j);
                        if (v == null) throw bad(where, "feature column '" + names[i] + "' has a null at " + j);
                        a.put(pos - l.size() + j, number(v), this, i, where);
                    }
                }
                case VECTOR_STRUCT -> pos = vectorStruct(r.getStruct(fi), pos, a, i, where);
            }
        }
        if (pos != features) {
            throw bad(where, "has " + pos + " features (" + String.join(", ", names) + "), data.features is " + features);
        }
        if (r.isNullAt(labelField)) throw bad(where, "label column '" + labelName + "' is null");
        Object lv = r.get(labelField);
        try {
            if (labelIsText) return labels.ofText((String) lv);
            return labels.ofNumber(number(lv));
        } catch (SparkTrainException e) {
            throw bad(where, "column '" + labelName + "': " + e.getMessage());
        }
    }

    private int vector(org.apache.spark.ml.linalg.Vector v, int pos, RowAssembler a, int i, Where where) {
        int start = pos;
        int end = checkWidth(v.size(), pos, i, where);
        if (v instanceof org.apache.spark.ml.linalg.SparseVector sv) {
            int[] ix = sv.indices();
            double[] vals = sv.values();
            for (int k = 0; k < ix.length; k++) a.put(start + ix[k], vals[k], this, i, where);
        } else {
            double[] vals = v.toArray();
            for (int j = 0; j < vals.length; j++) a.put(start + j, vals[j], this, i, where);
        }
        return end;
    }

    private int vectorStruct(Row s, int pos, RowAssembler a, int i, Where where) {
        int type = ((Number) s.getAs("type")).intValue();
        List<Object> vals = s.getList(s.fieldIndex("values"));
        if (type == 1) {
            int end = checkWidth(vals.size(), pos, i, where);
            for (int j = 0; j < vals.size(); j++) a.put(pos + j, number(vals.get(j)), this, i, where);
            return end;
        }
        int size = ((Number) s.getAs("size")).intValue();
        List<Object> ix = s.getList(s.fieldIndex("indices"));
        int end = checkWidth(size, pos, i, where);
        for (int k = 0; k < ix.size(); k++) {
            int j = ((Number) ix.get(k)).intValue();
            if (j < 0 || j >= size) throw bad(where, "feature column '" + names[i] + "' has index " + j + " outside its size " + size);
            a.put(pos + j, number(vals.get(k)), this, i, where);
        }
        return end;
    }

    private int checkWidth(int size, int pos, int i, Where where) {
        if (vectorWidth >= 0 && size != vectorWidth) {
            throw bad(where, "feature column '" + names[i] + "' is a vector of size " + size + ", expected " + vectorWidth
                    + " (data.features = " + features + (names.length > 1 ? "; feature columns: " + String.join(", ", names) : "") + ")");
        }
        if (pos + size > features) {
            throw bad(where, "feature column '" + names[i] + "' (size " + size + ") takes the row past data.features = " + features);
        }
        return pos + size;
    }

    SparkTrainException bad(Where where, String what) {
        return new SparkTrainException(source + ": " + where.at() + ": " + what);
    }

    private static double number(Object o) {
        if (o instanceof Number n) return n.doubleValue();
        if (o instanceof Boolean b) return b ? 1 : 0;
        throw new IllegalStateException("not a number: " + o);
    }

    /** Label text for {@code data.labels = auto}: strings as they are, numbers canonical. */
    static String labelKey(Object o) {
        if (o instanceof String s) return s.strip();
        return Labels.key(number(o));
    }
}
