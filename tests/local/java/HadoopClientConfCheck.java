import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.DFSUtilClient;
import org.apache.hadoop.hdfs.HAUtilClient;

/**
 * Loads core-site.xml and hdfs-site.xml (args: conf dir) with the real Hadoop client classes and
 * prints what a client makes of them, one "key=value" per line:
 *   defaultFS, nameservice.<ns>.<nnId>=host:port (RPC address of each NameNode),
 *   logical=<true|false> (the default FS is a logical HA URI), provider=<class> (loaded),
 *   filesystem=<class of FileSystem.newInstance(defaultFS)> (no RPC is made).
 */
public class HadoopClientConfCheck {
  public static void main(String[] args) throws Exception {
    Configuration conf = new Configuration(false);
    conf.addResource(new Path(args[0], "core-site.xml"));
    conf.addResource(new Path(args[0], "hdfs-site.xml"));
    URI defaultFs = URI.create(conf.get("fs.defaultFS"));
    System.out.println("defaultFS=" + defaultFs);
    Map<String, Map<String, InetSocketAddress>> rpc = DFSUtilClient.getHaNnRpcAddresses(conf);
    // Without dfs.nameservices Hadoop keys the single NameNode under a null nameservice/id.
    for (Map.Entry<String, Map<String, InetSocketAddress>> ns : rpc.entrySet()) {
      for (Map.Entry<String, InetSocketAddress> nn : ns.getValue().entrySet()) {
        InetSocketAddress a = nn.getValue();
        System.out.println("nameservice." + ns.getKey() + "." + nn.getKey() + "=" + a.getHostString() + ":" + a.getPort());
      }
    }
    boolean logical = HAUtilClient.isLogicalUri(conf, defaultFs);
    System.out.println("logical=" + logical);
    if (logical) {
      String key = "dfs.client.failover.proxy.provider." + defaultFs.getHost();
      Class<?> provider = conf.getClass(key, null);
      System.out.println("provider=" + (provider == null ? "none" : provider.getName()));
    }
    FileSystem fs = FileSystem.newInstance(defaultFs, conf);
    System.out.println("filesystem=" + fs.getClass().getName());
    fs.close();
  }
}
