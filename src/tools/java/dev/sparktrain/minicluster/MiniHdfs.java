package dev.sparktrain.minicluster;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.DFSConfigKeys;
import org.apache.hadoop.hdfs.MiniDFSCluster;

import java.io.File;
import java.io.IOException;
import java.net.URI;

/**
 * A real HDFS in this JVM (Hadoop's MiniDFSCluster): one NameNode and {@code dataNodes} DataNodes
 * on 127.0.0.1, blocks kept {@code replication} times, every file under {@code baseDir}. Used by
 * the hdfs tests and by {@link MiniClusters} (scripts/yarn-test.sh). Test tool, not product.
 */
public final class MiniHdfs implements AutoCloseable {
    private final MiniDFSCluster cluster;

    public MiniHdfs(File baseDir, int dataNodes, int replication, int nameNodePort) throws IOException {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, baseDir.getAbsolutePath());
        conf.setInt(DFSConfigKeys.DFS_REPLICATION_KEY, replication);
        // Small blocks (16 KiB), so that even the test files span several blocks on different DataNodes.
        conf.setLong(DFSConfigKeys.DFS_NAMENODE_MIN_BLOCK_SIZE_KEY, 1L << 14);
        conf.setLong(DFSConfigKeys.DFS_BLOCK_SIZE_KEY, 1L << 14);
        // A stopped DataNode is declared dead after ~10 s instead of ~10 min, so new blocks go elsewhere.
        conf.setInt(DFSConfigKeys.DFS_NAMENODE_HEARTBEAT_RECHECK_INTERVAL_KEY, 5_000);
        conf.setLong(DFSConfigKeys.DFS_HEARTBEAT_INTERVAL_KEY, 1);
        conf.set(DFSConfigKeys.DFS_NAMENODE_RPC_BIND_HOST_KEY, "127.0.0.1");
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(dataNodes).nameNodePort(nameNodePort)
                .checkDataNodeHostConfig(true).build();
        cluster.waitActive();
    }

    /** {@code hdfs://127.0.0.1:<port>}: prefix of every path on this file system. */
    public String uri() {
        return "hdfs://127.0.0.1:" + cluster.getNameNodePort();
    }

    /** A client with the cluster's settings (replication, block size). */
    public FileSystem fs() throws IOException {
        return FileSystem.get(URI.create(uri()), conf());
    }

    /** The cluster's own configuration (fs.defaultFS; replication and block size, which clients choose). */
    public Configuration conf() {
        return cluster.getConfiguration(0);
    }

    /** Copies a local file or directory to {@code hdfsPath} and returns its full hdfs:// URI. */
    public String put(java.nio.file.Path local, String hdfsPath) throws IOException {
        Path dst = new Path(uri() + hdfsPath);
        fs().copyFromLocalFile(false, true, new Path(local.toUri()), dst);
        return dst.toString();
    }

    public int dataNodes() {
        return cluster.getDataNodes().size();
    }

    /** Stops DataNode {@code i} as a crash would (no decommissioning); returns what restarts it. */
    public MiniDFSCluster.DataNodeProperties stopDataNode(int i) {
        return cluster.stopDataNode(i);
    }

    public void restartDataNode(MiniDFSCluster.DataNodeProperties dn) throws IOException {
        cluster.restartDataNode(dn, true);
        cluster.waitActive();
    }

    @Override
    public void close() {
        cluster.shutdown(true);
    }
}
