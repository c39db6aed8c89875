import java.io.BufferedReader;
import java.io.File;
import java.io.FileReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A client that writes to HDFS throughout a failover, and checks afterwards that no acknowledged
 * write was lost. Runs in a pod with the chart's client configuration (HADOOP_CONF_DIR).
 *
 *   write URI DIR STOPFILE   write DIR/0, DIR/1, ... one file after the other until STOPFILE exists;
 *                            for each file print "ACK n <millis>" once close() returned (the write is
 *                            acknowledged: every block is on its replication pipeline) or
 *                            "FAIL n <millis> <exception>" and go on with n+1; "STOPPED" at the end
 *   verify URI DIR ACKFILE   read every file whose "ACK n" line is in ACKFILE and compare its bytes;
 *                            print "verified N missing M corrupt C" (exit 1 when M + C > 0)
 *
 * File n holds content(n): 1 to 64 KiB derived from n, so a lost or mixed-up file is detected.
 */
public class HdfsWriter {
  static byte[] content(long n) {
    int size = (int) ((n * 7919L) % 65536L) + 1;
    byte[] out = new byte[size];
    byte[] seed = (n + ":").getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < size; i++) {
      out[i] = seed[i % seed.length];
    }
    return out;
  }

  public static void main(String[] args) throws Exception {
    Configuration conf = new Configuration();
    FileSystem fs = FileSystem.newInstance(URI.create(args[1]), conf);
    Path dir = new Path(args[2]);
    if (args[0].equals("write")) {
      File stop = new File(args[3]);
      fs.mkdirs(dir);
      for (long n = 0; !stop.exists(); n++) {
        Path p = new Path(dir, Long.toString(n));
        try (FSDataOutputStream out = fs.create(p, false)) {
          out.write(content(n));
        } catch (IOException e) {
          System.out.println("FAIL " + n + " " + System.currentTimeMillis() + " "
              + e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).replace('\n', ' '));
          System.out.flush();
          Thread.sleep(200);
          continue;
        }
        System.out.println("ACK " + n + " " + System.currentTimeMillis());
        System.out.flush();
      }
      System.out.println("STOPPED");
      System.out.flush();
    } else if (args[0].equals("verify")) {
      long verified = 0, missing = 0, corrupt = 0;
      try (BufferedReader acks = new BufferedReader(new FileReader(args[3]))) {
        String line;
        while ((line = acks.readLine()) != null) {
          if (!line.startsWith("ACK ")) {
            continue;
          }
          long n = Long.parseLong(line.split(" ")[1]);
          Path p = new Path(dir, Long.toString(n));
          if (!fs.exists(p)) {
            missing++;
            System.out.println("MISSING " + n);
            continue;
          }
          byte[] want = content(n);
          byte[] got = new byte[want.length + 1];
          int len = 0;
          try (InputStream in = fs.open(p)) {
            int r;
            while (len < got.length && (r = in.read(got, len, got.length - len)) > 0) {
              len += r;
            }
          }
          if (len != want.length || !Arrays.equals(Arrays.copyOf(got, len), want)) {
            corrupt++;
            System.out.println("CORRUPT " + n + " length " + len);
          } else {
            verified++;
          }
        }
      }
      System.out.println("verified " + verified + " missing " + missing + " corrupt " + corrupt);
      System.exit(missing + corrupt > 0 ? 1 : 0);
    } else {
      throw new IllegalArgumentException("usage: write|verify URI DIR STOPFILE|ACKFILE");
    }
    fs.close();
  }
}
