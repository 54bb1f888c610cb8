package dev.sparktrain.store;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.nn.Loss;
import org.apache.hadoop.conf.Configuration;

import java.util.Locale;
import java.util.Map;

/**
 * A saved model written for another runtime: its weights as safetensors (PyTorch's
 * {@code load_state_dict}), or the whole network as ONNX. No Spark: the export command runs in a
 * plain JVM.
 */
public final class ModelExport {
    /** The formats, as {@code --format} spells them. */
    public enum Format { SAFETENSORS, ONNX }

    private ModelExport() {
    }

    /** {@code --format}'s value, or the format {@code path}'s ending names (.onnx; safetensors otherwise). */
    public static Format format(String name, String path) {
        if (name == null) return path.toLowerCase(Locale.ROOT).endsWith(".onnx") ? Format.ONNX : Format.SAFETENSORS;
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "safetensors" -> Format.SAFETENSORS;
            case "onnx" -> Format.ONNX;
            default -> throw new SparkTrainException("--format: expected safetensors or onnx, got '" + name + "'");
        };
    }

    /**
     * Writes {@code m} to {@code path} (temp + rename); returns what was written, in words.
     * {@code probabilities} adds ONNX's probabilities output (a classifier's only).
     */
    public static String write(SavedModel m, String path, Format format, Safetensors.Dtype dtype, boolean probabilities,
                               Configuration conf) {
        byte[] bytes;
        String what;
        if (format == Format.SAFETENSORS) {
            if (probabilities) throw new SparkTrainException("--probabilities: only with --format onnx");
            bytes = SafetensorsModel.bytes(m.model(), m.params(), dtype, SafetensorsModel.metadata(m.description()));
            what = StateDict.of(m.model()).size() + " tensors";
        } else {
            OnnxExport.Probabilities p = OnnxExport.Probabilities.NONE;
            if (probabilities) {
                if (!m.classifier()) {
                    throw new SparkTrainException("--probabilities: " + m.dir() + " is a regression model (" + m.loss().name()
                            + "): it has no class probabilities");
                }
                p = m.loss().task() == Loss.Task.MULTICLASS ? OnnxExport.Probabilities.SOFTMAX : OnnxExport.Probabilities.SIGMOID;
            }
            OnnxExport.Scaling scaling = m.standardizer() == null ? null
                    : new OnnxExport.Scaling(m.standardizer().mean(), m.standardizer().std());
            Map<String, String> props = SafetensorsModel.metadata(m.description());
            props.remove("format");
            bytes = OnnxExport.bytes(m.model(), m.params(), scaling, p, dtype, props);
            what = "opset " + OnnxExport.OPSET + ", input 'input' [batch, " + m.model().inFeatures() + "]"
                    + (scaling == null ? "" : " standardized in the graph") + ", output 'output'"
                    + (p == OnnxExport.Probabilities.NONE ? "" : " and 'probabilities' (" + p.name().toLowerCase(Locale.ROOT) + ")");
        }
        ModelIO.writeFile(path, bytes, conf);
        return String.format(Locale.ROOT, "export: %s written to %s (%s, %s, %s, %d bytes)", m.dir(), path,
                format.name().toLowerCase(Locale.ROOT), dtype == Safetensors.Dtype.F64 ? "float64" : "float32", what, bytes.length);
    }
}
