package dev.sparktrain.spark;

import org.apache.spark.api.java.JavaSparkContext;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * A hook into sparktrain's own Spark tasks (the training steps and validation passes of
 * {@link SparkBackend}) for code outside the product: the fault injection of the tools jar, which
 * the tests have on their classpath and the cluster test adds with {@code --jars}. Implementations
 * are the providers of this one interface listed in {@code META-INF/services}; nothing is looked
 * up by a name from a job or a setting. With none on the classpath every call does nothing.
 */
public interface TaskHooks {
    /** Called in every step and validation task with its sums just before they are returned. */
    void afterTask(double[] sums);

    /** The driver's check before a run: null when inactive, else a warning line to print. */
    String describe(JavaSparkContext jsc);

    /** Runs every installed hook's {@link #afterTask}. */
    static void runAfterTask(double[] sums) {
        for (TaskHooks h : Installed.hooks()) h.afterTask(sums);
    }

    /** The installed hooks' warning lines (one per line), or null when none is active. */
    static String banner(JavaSparkContext jsc) {
        StringBuilder b = new StringBuilder();
        for (TaskHooks h : Installed.hooks()) {
            String line = h.describe(jsc);
            if (line != null) b.append(b.length() == 0 ? "" : "\n").append(line);
        }
        return b.length() == 0 ? null : b.toString();
    }

    /** The providers, found once per class loader: an executor's task threads use its loader, which includes the --jars. */
    final class Installed {
        private record Found(ClassLoader loader, List<TaskHooks> hooks) {
        }

        private static volatile Found found;

        private Installed() {
        }

        static List<TaskHooks> hooks() {
            ClassLoader cl = Thread.currentThread().getContextClassLoader();
            if (cl == null) cl = TaskHooks.class.getClassLoader();
            Found f = found;
            if (f == null || f.loader() != cl) {
                List<TaskHooks> list = new ArrayList<>();
                ServiceLoader.load(TaskHooks.class, cl).forEach(list::add);
                f = new Found(cl, List.copyOf(list));
                found = f;
            }
            return f.hooks();
        }
    }
}
