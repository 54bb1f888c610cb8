package dev.sparktrain.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;

/** {@code --version}: sparktrain's version and what it runs on (Spark, Scala, Java, the BLAS in use). */
final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {line()};
    }

    /** Held so the level sticks (java.util.logging keeps loggers weakly): netlib announces its BLAS at INFO. */
    private static final Logger NETLIB = Logger.getLogger("dev.ludovic.netlib");

    static String line() {
        NETLIB.setLevel(Level.WARNING);
        return "sparktrain " + project() + ", Spark " + spark() + ", Scala " + scala()
                + ", Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
                + ", BLAS " + blas();
    }

    /** Spark's version from its jars' manifest (a class literal initializes nothing: nothing starts). */
    private static String spark() {
        try {
            Package p = org.apache.spark.SparkConf.class.getPackage();
            String v = p == null ? null : p.getImplementationVersion();
            return v == null ? "(unknown version)" : v;
        } catch (LinkageError e) {
            return "(not on the classpath)";
        }
    }

    private static String scala() {
        try {
            return scala.util.Properties.versionNumberString();
        } catch (LinkageError e) {
            return "(not on the classpath)";
        }
    }

    private static String blas() {
        try {
            return dev.ludovic.netlib.blas.BLAS.getInstance().getClass().getSimpleName();
        } catch (LinkageError e) {
            return "(netlib not on the classpath)";
        }
    }

    /** The build's version (from version.properties, filled in by Maven). */
    static String project() {
        try (InputStream in = Version.class.getResourceAsStream("/dev/sparktrain/version.properties")) {
            if (in == null) return "(unknown version)";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "(unknown version)");
        } catch (IOException e) {
            return "(unknown version)";
        }
    }
}
