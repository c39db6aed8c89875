import java.io.File;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.SecurityUtil;
import org.apache.hadoop.security.UserGroupInformation;

/**
 * Logs in from a keytab as a daemon of the HDFS chart does: the rendered core-site.xml and
 * hdfs-site.xml in args[0] (hadoop.security.authentication=kerberos), the NameNode principal with
 * _HOST replaced for the host in args[1] (SecurityUtil.getServerPrincipal) and the keytab path of
 * dfs.namenode.keytab.file (${env.KERBEROS_KEYTAB}), through UserGroupInformation.loginUserFromKeytab.
 * Prints key=value lines; on a refused login prints error=<message> and exits 1.
 */
public class KerberosLoginCheck {
  public static void main(String[] args) throws Exception {
    Configuration conf = new Configuration(false);
    for (String name : new String[] {"core-site.xml", "hdfs-site.xml"}) {
      conf.addResource(new Path(new File(args[0], name).getAbsolutePath()));
    }
    UserGroupInformation.setConfiguration(conf);
    String principal = SecurityUtil.getServerPrincipal(conf.get("dfs.namenode.kerberos.principal"), args[1]);
    String keytab = conf.get("dfs.namenode.keytab.file");
    System.out.println("securityEnabled=" + UserGroupInformation.isSecurityEnabled());
    System.out.println("principal=" + principal);
    System.out.println("keytab=" + keytab);
    try {
      UserGroupInformation.loginUserFromKeytab(principal, keytab);
    } catch (java.io.IOException e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      System.out.println("error=" + e.getMessage() + " / " + root);
      System.exit(1);
    }
    UserGroupInformation user = UserGroupInformation.getLoginUser();
    System.out.println("user=" + user.getUserName());
    System.out.println("shortName=" + user.getShortUserName());
    System.out.println("fromKeytab=" + user.isFromKeytab());
    System.out.println("kerberosCredentials=" + user.hasKerberosCredentials());
    System.out.println("authenticationMethod=" + user.getAuthenticationMethod());
  }
}
