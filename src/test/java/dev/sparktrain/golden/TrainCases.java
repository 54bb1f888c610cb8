package dev.sparktrain.golden;

import dev.sparktrain.train.LocalBackend;

import java.util.Map;

/** kind=train through the plain-Java backend (the Spark backend: SparkTrainerGoldenTest). */
final class TrainCases {
    private TrainCases() {
    }

    static void runLocal(Map<String, Object> c) {
        TrainCase tc = new TrainCase(c);
        tc.runAndCheck(new LocalBackend(tc.model, tc.loss, tc.oneBlock(), null, 0), "local");
    }
}
