package dev.sparktrain.examples;

import dev.sparktrain.ml.SparkTrainClassificationModel;
import dev.sparktrain.ml.SparkTrainClassifier;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * README's Spark ML example, runnable: a Pipeline (VectorAssembler, StandardScaler,
 * SparkTrainClassifier) on the UCI digits, evaluated, saved and reloaded, then a CrossValidator
 * over lr and optimizer. Run it with {@code scripts/example-pipeline.sh [digits.csv.gz] [output dir]}.
 */
public final class PipelineExample {
    private PipelineExample() {
    }

    public static void main(String[] args) throws Exception {
        String data = args.length > 0 ? args[0] : "data/digits.csv.gz";
        String out = args.length > 1 ? args[1] : "runs/digits-pipeline";
        SparkSession spark = SparkSession.builder().master(System.getProperty("spark.master", "local[*]"))
                .appName("sparktrain-pipeline-example").config("spark.ui.enabled", "false").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        try {
            run(spark, data, out);
        } finally {
            spark.stop();
        }
    }

    static void run(SparkSession spark, String path, String out) throws java.io.IOException {
        Dataset<Row> digits = spark.read().option("inferSchema", "true").csv(path)
                .withColumnRenamed("_c64", "label");                 // pixels _c0.._c63, label 0..9
        String[] pixels = IntStream.range(0, 64).mapToObj(i -> "_c" + i).toArray(String[]::new);
        Dataset<Row>[] split = digits.randomSplit(new double[] {0.8, 0.2}, 7);
        System.out.printf(Locale.ROOT, "data: %s: %d training rows, %d test rows%n", path, split[0].count(), split[1].count());

        SparkTrainClassifier clf = new SparkTrainClassifier()
                .setLayers("linear(*,64), relu, linear(64,*)")      // * = the vector's size / the class count
                .setOptimizer("AdamW").setLr(5e-3).setOptimizerOptions("weight_decay=1e-4")
                .setScheduler("CosineAnnealingLR").setSchedulerOptions("T_max=10")
                .setMaxNorm(5.0).setEpochs(10).setBatchSize(128).setValidationFraction(0.1);
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
                new VectorAssembler().setInputCols(pixels).setOutputCol("pixels"),
                new StandardScaler().setInputCol("pixels").setOutputCol("features").setWithMean(true),
                clf});
        PipelineModel model = pipeline.fit(split[0]);
        SparkTrainClassificationModel net = (SparkTrainClassificationModel) model.stages()[2];
        System.out.println("pipeline: fitted " + net.layersSpec() + "; per-epoch history (model.summary().history()):");
        net.summary().history().select("epoch", "train_loss", "train_accuracy", "val_loss", "val_accuracy", "lr")
                .orderBy("epoch").show(false);

        Dataset<Row> scored = model.transform(split[1]);
        MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy");
        double acc = accuracy.evaluate(scored);
        System.out.printf(Locale.ROOT, "pipeline: test accuracy %.4f%n", acc);

        model.write().overwrite().save(out);
        double again = accuracy.evaluate(PipelineModel.load(out).transform(split[1]));
        System.out.printf(Locale.ROOT, "pipeline: saved to %s; reloaded, test accuracy %.4f (%s)%n", out, again,
                again == acc ? "the same" : "DIFFERENT");

        ParamMap[] grid = new ParamGridBuilder()
                .addGrid(clf.lr(), new double[] {1e-3, 1e-2})
                .addGrid(clf.optimizer(), scala.jdk.javaapi.CollectionConverters.asScala(List.of("SGD", "Adam")))
                .build();
        CrossValidatorModel cv = new CrossValidator().setEstimator(pipeline).setEstimatorParamMaps(grid)
                .setEvaluator(accuracy).setNumFolds(3).setSeed(7).fit(split[0]);
        double[] metrics = cv.avgMetrics();
        for (int i = 0; i < grid.length; i++) {
            System.out.printf(Locale.ROOT, "crossvalidator: lr %-6s optimizer %-4s mean accuracy over 3 folds %.4f%n",
                    grid[i].apply(clf.lr()), grid[i].apply(clf.optimizer()), metrics[i]);
        }
        SparkTrainClassificationModel best = (SparkTrainClassificationModel) ((PipelineModel) cv.bestModel()).stages()[2];
        System.out.printf(Locale.ROOT, "crossvalidator: best lr %s, optimizer %s; test accuracy %.4f%n", best.getLr(),
                best.getOptimizer(), accuracy.evaluate(cv.transform(split[1])));
    }
}
