package dev.sparktrain.spark.load.source;

import dev.sparktrain.SparkTrainException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The data files a setting names, listed on the driver before any source reads them.
 *
 * @param path  as written: a file, a directory or a glob
 * @param key   the setting it came from, for messages ({@code data.path}, {@code data.validation_path})
 * @param files the data files, hidden ones ({@code _*}, {@code .*}) skipped, sorted
 */
public record DataFiles(JavaSparkContext jsc, String path, String key, List<String> files) {

    /** Lists {@code path}; refuses a path that matches nothing or holds no data files. */
    public static DataFiles list(JavaSparkContext jsc, String path, String key) {
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(jsc.hadoopConfiguration());
            FileStatus[] matched = fs.globStatus(p);
            if (matched == null || matched.length == 0) throw new SparkTrainException(key + ": no such file: " + path);
            List<String> files = new ArrayList<>();
            for (FileStatus st : matched) {
                if (st.isDirectory()) {
                    for (FileStatus c : fs.listStatus(st.getPath())) {
                        String n = c.getPath().getName();
                        if (c.isFile() && !n.startsWith("_") && !n.startsWith(".")) files.add(c.getPath().toString());
                    }
                } else {
                    files.add(st.getPath().toString());
                }
            }
            if (files.isEmpty()) throw new SparkTrainException(key + ": no data files in " + path);
            files.sort(Comparator.naturalOrder());
            return new DataFiles(jsc, path, key, List.copyOf(files));
        } catch (IOException | IllegalArgumentException e) {
            throw new SparkTrainException(key + ": cannot read " + path + ": " + e.getMessage(), e);
        }
    }
}
