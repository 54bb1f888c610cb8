package dev.sparktrain.minicluster;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;

/**
 * Starts a real HDFS and YARN in this JVM for scripts/yarn-test.sh: a MiniDFSCluster (NameNode +
 * 2 DataNodes, replication 2) and a MiniYARNCluster (one ResourceManager, two NodeManagers of
 * {@code nmMemoryMb} MB each) using it as its file system, all on 127.0.0.1. Writes the clients'
 * configuration into {@code <dir>/conf} (core-site.xml, yarn-site.xml: HADOOP_CONF_DIR for
 * spark-submit) and, once everything is up, {@code <dir>/ready} with the addresses
 * ({@code fs=hdfs://...}, {@code rm_web=host:port}, {@code nm_dirs=...}). Runs until killed
 * (SIGTERM stops YARN, then HDFS). Usage: {@code MiniClusters <dir> [nmMemoryMb]}.
 */
public final class MiniClusters {
    private MiniClusters() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: MiniClusters <dir> [nodeManagerMemoryMb]");
            System.exit(2);
        }
        File dir = new File(args[0]).getAbsoluteFile();
        int nmMemoryMb = args.length > 1 ? Integer.parseInt(args[1]) : 3072;
        MiniHdfs hdfs = new MiniHdfs(new File(dir, "hdfs"), 2, 2, 0);

        YarnConfiguration conf = new YarnConfiguration(hdfs.conf());
        conf.set("fs.defaultFS", hdfs.uri());
        conf.set(YarnConfiguration.RM_HOSTNAME, "127.0.0.1");
        conf.set(YarnConfiguration.NM_ADDRESS, "127.0.0.1:0");
        conf.setInt(YarnConfiguration.NM_PMEM_MB, nmMemoryMb);
        conf.setInt(YarnConfiguration.NM_VCORES, 4);
        conf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 128);
        conf.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB, nmMemoryMb);
        // The JVMs' virtual and resident sizes are Java's business here, not the NodeManager's.
        conf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
        conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
        // A shared CI disk may be fuller than YARN's 90% default, which would mark both nodes unhealthy.
        conf.setFloat(YarnConfiguration.NM_MAX_PER_DISK_UTILIZATION_PERCENTAGE, 99.5f);
        // The CapacityScheduler (YARN's default) with one queue, as capacity-scheduler.xml would say
        // (there is none on this classpath); AMs may use the whole small cluster (default 10%: not one AM).
        conf.set("yarn.scheduler.capacity.root.queues", "default");
        conf.set("yarn.scheduler.capacity.root.default.capacity", "100");
        conf.setFloat("yarn.scheduler.capacity.maximum-am-resource-percent", 1.0f);
        // A killed container's logs and dirs stay for the test to read.
        conf.setInt(YarnConfiguration.DEBUG_NM_DELETE_DELAY_SEC, 600);

        MiniYARNCluster yarn = new MiniYARNCluster("sparktrain-yarn-test", 1, 2, 1, 1);
        yarn.init(conf);
        yarn.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            yarn.stop();
            hdfs.close();
        }));
        // MiniYARNCluster has put the real (random) ports into its configuration once started. The
        // clients get those addresses and the file system only: the rest of the servers' settings
        // name test classes (topology mappings, ...) a Spark client does not have.
        Configuration live = yarn.getConfig();
        Configuration client = new Configuration(false);
        client.set("fs.defaultFS", hdfs.uri());
        client.set("dfs.replication", hdfs.conf().get("dfs.replication"));
        for (Map.Entry<String, String> e : live) {
            if (e.getKey().startsWith("yarn.resourcemanager.") && e.getKey().endsWith("address")) client.set(e.getKey(), live.get(e.getKey()));
        }
        File confDir = new File(dir, "conf");
        confDir.mkdirs();
        for (String name : new String[] {"core-site.xml", "yarn-site.xml"}) {
            try (OutputStream out = new FileOutputStream(new File(confDir, name))) {
                client.writeXml(out);
            }
        }
        StringBuilder nmDirs = new StringBuilder();
        for (int i = 0; i < 2; i++) {
            nmDirs.append(i == 0 ? "" : ",").append(yarn.getNodeManager(i).getConfig().get(YarnConfiguration.NM_LOCAL_DIRS));
        }
        String ready = "fs=" + hdfs.uri() + "\nrm=" + live.get(YarnConfiguration.RM_ADDRESS)
                + "\nrm_web=" + live.get(YarnConfiguration.RM_WEBAPP_ADDRESS) + "\nnm_dirs=" + nmDirs + "\n";
        File tmp = new File(dir, "ready.tmp");
        Files.writeString(tmp.toPath(), ready, StandardCharsets.UTF_8);
        if (!tmp.renameTo(new File(dir, "ready"))) throw new IOException("cannot write " + dir + "/ready");
        System.out.println("mini clusters up:\n" + ready);
        System.out.flush();
        Thread.currentThread().join(); // until SIGTERM
    }
}
