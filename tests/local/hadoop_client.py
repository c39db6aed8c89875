"""Compile and run tests/local/java/HadoopClientConfCheck.java against the Hadoop client jars that
pyspark ships, on a directory holding core-site.xml and hdfs-site.xml."""
import shutil
import subprocess
from pathlib import Path

SOURCE = Path(__file__).resolve().parent / "java" / "HadoopClientConfCheck.java"


def pyspark_jars():
    """Path of pyspark's jars/ directory, or None when pyspark is not installed."""
    try:
        import pyspark
    except ImportError:
        return None
    jars = Path(pyspark.__file__).parent / "jars"
    return jars if jars.is_dir() else None


def available():
    """(bool, reason) whether javac, java and pyspark's Hadoop client jars are here."""
    if not shutil.which("javac") or not shutil.which("java"):
        return False, "javac/java (JDK 17) not on PATH"
    jars = pyspark_jars()
    if jars is None or not list(jars.glob("hadoop-client-api-*.jar")):
        return False, "pyspark with hadoop-client-api is not installed (bin/setup installs requirements.txt)"
    return True, ""


def classpath():
    """Java classpath of pyspark's jars (a directory wildcard)."""
    return f"{pyspark_jars()}/*"


def compile_check(build_dir):
    """javac the check into build_dir (Path); raises CalledProcessError with javac's output."""
    build_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(["javac", "-cp", classpath(), "-d", str(build_dir), str(SOURCE)], check=True,
                   capture_output=True, text=True)


def run_check(build_dir, conf_dir, hosts=None):
    """Run the check on conf_dir; return {key: value} of its output. Raises RuntimeError naming the exception.

    hosts: {hostname: ip} resolved by the JVM through a hosts file (-Djdk.net.hosts.file), as the
    harness maps pod DNS names to loopback addresses.
    """
    props = []
    if hosts:
        hosts_file = Path(conf_dir) / "hosts"
        hosts_file.write_text("".join(f"{ip} {name}\n" for name, ip in hosts.items()))
        props.append(f"-Djdk.net.hosts.file={hosts_file}")
    run = subprocess.run(["java", *props, "-cp", f"{build_dir}:{classpath()}", "HadoopClientConfCheck", str(conf_dir)],
                         capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        errors = [line for line in run.stderr.splitlines() if "Exception" in line or "Error" in line]
        raise RuntimeError(f"HadoopClientConfCheck failed ({run.returncode}): " + " | ".join(errors[:5]))
    return dict(line.split("=", 1) for line in run.stdout.splitlines() if "=" in line)
