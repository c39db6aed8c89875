import java.io.File;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.http.HttpConfig;
import org.apache.hadoop.security.SecurityUtil;

/**
 * Loads the HDFS chart's rendered secure configuration (core-site.xml, hdfs-site.xml,
 * ssl-server.xml in args[0]) with the real Hadoop classes and prints key=value lines: the keytab
 * path and store passwords after ${env.*} substitution, and the NameNode/SPNEGO principals with
 * _HOST replaced for the host in args[1] (SecurityUtil.getServerPrincipal, as the daemons do).
 */
public class SecureConfCheck {
  public static void main(String[] args) throws Exception {
    Configuration conf = new Configuration(false);
    for (String name : new String[] {"core-site.xml", "hdfs-site.xml"}) {
      conf.addResource(new Path(new File(args[0], name).getAbsolutePath()));
    }
    Configuration ssl = new Configuration(false);
    ssl.addResource(new Path(new File(args[0], "ssl-server.xml").getAbsolutePath()));
    String host = args[1];
    System.out.println("authentication=" + conf.get("hadoop.security.authentication"));
    System.out.println("keytab=" + conf.get("dfs.namenode.keytab.file"));
    System.out.println("namenodePrincipal=" + SecurityUtil.getServerPrincipal(conf.get("dfs.namenode.kerberos.principal"), host));
    System.out.println("spnegoPrincipal=" + SecurityUtil.getServerPrincipal(conf.get("dfs.web.authentication.kerberos.principal"), host));
    System.out.println("journalnodePrincipalAnyHost=" + SecurityUtil.getServerPrincipal(conf.get("dfs.journalnode.kerberos.principal"), "0.0.0.0").contains("_HOST"));
    System.out.println("httpPolicy=" + HttpConfig.Policy.fromString(conf.get("dfs.http.policy")));
    System.out.println("keystorePassword=" + new String(ssl.getPassword("ssl.server.keystore.password")));
    System.out.println("keystoreLocation=" + ssl.get("ssl.server.keystore.location"));
  }
}
