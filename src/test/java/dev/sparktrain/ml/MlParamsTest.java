package dev.sparktrain.ml;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The estimators' params: defaults, set-time validation with clear messages, copies. No Spark job. */
class MlParamsTest {

    @Test
    void everyTrainingSettingIsAParamWithADefault() {
        SparkTrainClassifier clf = new SparkTrainClassifier();
        Set<String> names = Arrays.stream(clf.params()).map(Param::name).collect(Collectors.toSet());
        for (String n : List.of("featuresCol", "labelCol", "predictionCol", "probabilityCol", "rawPredictionCol",
                "layers", "loss", "lossOptions", "optimizer", "optimizerOptions", "lr", "biasOptions", "scheduler",
                "schedulerOptions", "schedulerInterval", "maxNorm", "normType", "clipValue", "batchSize", "epochs", "seed",
                "shuffle", "validationFraction", "standardize", "storage", "precision", "trainPrecision", "shardedOptimizer", "numPartitions", "verbose")) {
            assertTrue(names.contains(n), n + " in " + names);
        }
        for (Param<?> p : clf.params()) {
            if (!p.name().equals("lr") && !p.name().equals("thresholds")) assertTrue(clf.hasDefault(p), p.name() + " has a default");
            assertEquals(clf.uid(), p.parent(), p.name() + " belongs to the estimator");
        }
        assertEquals("linear(*,*)", clf.getLayers());
        assertEquals("CrossEntropyLoss", clf.getLoss());
        assertEquals("Adam", clf.getOptimizer());
        assertEquals("none", clf.getScheduler());
        assertEquals(64, clf.getBatchSize());
        assertEquals(10, clf.getEpochs());
        assertEquals(42L, clf.getSeed());
        assertTrue(Double.isNaN(clf.getLr()), "lr has no default");
        assertEquals("features", clf.getFeaturesCol());
        assertEquals("probability", clf.getProbabilityCol());
        assertEquals("MSELoss", new SparkTrainRegressor().getLoss());
        assertTrue(clf.explainParams().contains("optimizerOptions"));
    }

    @Test
    void uidsAreKeptAndUnique() {
        assertEquals("sparkTrainClf_abc", new SparkTrainClassifier("sparkTrainClf_abc").uid());
        assertEquals("r1", new SparkTrainRegressor("r1").layers().parent());
        assertFalse(new SparkTrainClassifier().uid().equals(new SparkTrainClassifier().uid()));
        assertTrue(new SparkTrainClassifier().uid().startsWith("sparkTrainClf_"));
    }

    @Test
    void copyKeepsValuesAndAppliesExtras() {
        SparkTrainClassifier clf = new SparkTrainClassifier().setLayers("linear(*,32), relu, linear(32,*)")
                .setOptimizer("SGD").setLr(0.1).setOptimizerOptions("momentum=0.9, nesterov=true").setEpochs(3);
        SparkTrainClassifier c = clf.copy(new ParamMap().put(clf.lr().w(0.01)).put(clf.optimizer().w("AdamW")));
        assertNotSame(clf, c);
        assertEquals(clf.uid(), c.uid());
        assertEquals(0.01, c.getLr());
        assertEquals("AdamW", c.getOptimizer());
        assertEquals("momentum=0.9, nesterov=true", c.getOptimizerOptions());
        assertEquals(3, c.getEpochs());
        assertEquals(0.1, clf.getLr(), "the original is unchanged");
        assertEquals("SGD", clf.getOptimizer());
    }

    @Test
    void badValuesAreRefusedWhenSet() {
        SparkTrainClassifier c = new SparkTrainClassifier();
        refused(() -> c.setEpochs(0), "sparktrain param epochs = 0: must be >= 1");
        refused(() -> c.setBatchSize(-1), "batchSize = -1: must be >= 1 (or 0 for full batch)");
        refused(() -> c.setLr(-0.1), "lr = -0.1: must be a finite number >= 0");
        refused(() -> c.setLr(Double.NaN), "lr = NaN");
        refused(() -> c.setOptimizer("Adamm"), "optimizer = 'Adamm': unknown optimizer; allowed: SGD, Adam, AdamW");
        refused(() -> c.setScheduler("Cosine"), "scheduler = 'Cosine': unknown scheduler; allowed: none, StepLR");
        refused(() -> c.setLoss("MSELoss"), "loss = 'MSELoss': not for a classifier; allowed: CrossEntropyLoss, BCEWithLogitsLoss");
        refused(() -> new SparkTrainRegressor().setLoss("CrossEntropyLoss"), "not for a regressor; allowed: MSELoss");
        refused(() -> c.setLayers("linear(4,), relu"), "layers = 'linear(4,), relu': 'linear(4,)': 'out_features': required but missing");
        refused(() -> c.setLayers("relu, linear(4,2)"), "'relu': no layer before it gives it a width");
        refused(() -> c.setLayers("linear(4,8), linear(4,2)"), "layer 2 (Linear(4, 2)) takes 4 features but layer 1 gives 8");
        refused(() -> c.setLayers("linear(*,8), linear(*,2)"), "'linear(*,2)': '*' only as the first Linear's in_features");
        refused(() -> c.setOptimizerOptions("lr=0.1, momentum"), "optimizerOptions = 'lr=0.1, momentum': 'momentum' is not key=value");
        refused(() -> c.setOptimizerOptions("betas=(0.9, 0.99"), "unclosed bracket");
        refused(() -> c.setOptimizerOptions("lr=1, lr=2"), "'lr' is given twice");
        refused(() -> c.setSchedulerOptions("{\"T_max\": }"), "schedulerOptions = '{\"T_max\": }': not a valid JSON object");
        refused(() -> c.setValidationFraction(1.0), "validationFraction = 1.0: must be in [0, 1)");
        refused(() -> c.setStorage("csr"), "storage = 'csr': expected one of auto, dense, sparse");
        refused(() -> c.setPrecision("float16"), "expected one of float64, float32");
        refused(() -> c.setSchedulerInterval("batch"), "expected one of natural, epoch, step");
        refused(() -> c.setMaxNorm(-1), "maxNorm = -1.0: must be a finite number >= 0");
        refused(() -> c.setNormType(0), "normType = 0.0: must be > 0");
        refused(() -> c.setNumPartitions(-2), "numPartitions = -2: must be >= 0");
        // a ParamMap (as CrossValidator uses) goes through the same checks
        refused(() -> c.copy(new ParamMap().put(c.epochs().w(0))), "sparktrain param epochs = 0: must be >= 1");
        // nothing was changed by the refused calls
        assertEquals(10, c.getEpochs());
        assertEquals("Adam", c.getOptimizer());
    }

    @Test
    void optionsTextForms() {
        assertEquals(Map.of("lr", "0.1", "betas", "(0.9, 0.99)", "amsgrad", "true"),
                OptionsText.parse("lr=0.1, betas=(0.9, 0.99), amsgrad=true"));
        assertEquals(Map.of("lr", 0.1, "betas", List.of(0.9, 0.99)), OptionsText.parse("{\"lr\": 0.1, \"betas\": [0.9, 0.99]}"));
        assertTrue(OptionsText.parse("  ").isEmpty());
        // the job file's child-scheduler syntax survives as one value
        assertEquals("LinearLR(start_factor=0.1, total_iters=3); CosineAnnealingLR(T_max=7)",
                OptionsText.parse("schedulers=LinearLR(start_factor=0.1, total_iters=3); CosineAnnealingLR(T_max=7), "
                        + "milestones=[3]").get("schedulers"));
    }

    private static void refused(Executable e, String expected) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().contains(expected), "message '" + x.getMessage() + "' should contain '" + expected + "'");
    }
}
