{{/*
Names and addresses of the HDFS chart, computed once here and used by every
template (and by the umbrella chart through the same helpers).
*/}}

{{- define "hdfs.fullname" -}}{{ include "common.names.fullname" . }}{{- end -}}

{{/* Logical nameservice id (dfs.nameservices). */}}
{{- define "hdfs.nameservice" -}}
{{- default (include "hdfs.fullname" .) .Values.ha.nameservice -}}
{{- end -}}

{{/* Name of the client configuration ConfigMap (core-site.xml, hdfs-site.xml): stable, printed in NOTES. */}}
{{- define "hdfs.configMapName" -}}{{ printf "%s-config" (include "hdfs.fullname" .) }}{{- end -}}
{{- define "hdfs.scriptsConfigMapName" -}}{{ printf "%s-scripts" (include "hdfs.fullname" .) }}{{- end -}}

{{- define "hdfs.namenode.fullname" -}}{{ include "common.names.component" (dict "component" "namenode" "context" .) }}{{- end -}}
{{- define "hdfs.namenode.headless" -}}{{ printf "%s-headless" (include "hdfs.namenode.fullname" .) }}{{- end -}}
{{- define "hdfs.journalnode.fullname" -}}{{ include "common.names.component" (dict "component" "journalnode" "context" .) }}{{- end -}}
{{- define "hdfs.journalnode.headless" -}}{{ printf "%s-headless" (include "hdfs.journalnode.fullname" .) }}{{- end -}}
{{- define "hdfs.datanode.fullname" -}}{{ include "common.names.component" (dict "component" "datanode" "context" .) }}{{- end -}}
{{- define "hdfs.datanode.headless" -}}{{ printf "%s-headless" (include "hdfs.datanode.fullname" .) }}{{- end -}}
{{- define "hdfs.zookeeper.fullname" -}}{{ include "common.names.component" (dict "component" "zookeeper" "context" .) }}{{- end -}}
{{- define "hdfs.zookeeper.headless" -}}{{ printf "%s-headless" (include "hdfs.zookeeper.fullname" .) }}{{- end -}}

{{/* Number of NameNodes actually deployed. */}}
{{- define "hdfs.namenode.replicas" -}}
{{- if .Values.ha.enabled }}{{ .Values.namenode.replicaCount }}{{ else }}1{{ end -}}
{{- end -}}

{{/* Whether the bundled ZooKeeper is deployed (HA only). */}}
{{- define "hdfs.zookeeper.bundled" -}}
{{- if and .Values.ha.enabled .Values.zookeeper.enabled }}true{{ end -}}
{{- end -}}

{{/* NameNode ids: "nn0,nn1". Pod <namenode>-<i> carries id nn<i>. */}}
{{- define "hdfs.namenode.ids" -}}
{{- $ids := list -}}
{{- range $i := until (int (include "hdfs.namenode.replicas" .)) }}{{ $ids = append $ids (printf "nn%d" $i) }}{{ end -}}
{{- join "," $ids -}}
{{- end -}}

{{/* FQDN of NameNode pod i. Usage: include "hdfs.namenode.host" (dict "ordinal" 0 "context" $) */}}
{{- define "hdfs.namenode.host" -}}
{{- include "common.names.podFqdn" (dict "statefulset" (include "hdfs.namenode.fullname" .context) "service" (include "hdfs.namenode.headless" .context) "ordinal" .ordinal "context" .context) -}}
{{- end -}}

{{/* "host:rpc,host:rpc" of every NameNode. */}}
{{- define "hdfs.namenode.rpcAddresses" -}}
{{- include "common.names.podAddressList" (dict "statefulset" (include "hdfs.namenode.fullname" .) "service" (include "hdfs.namenode.headless" .) "replicas" (include "hdfs.namenode.replicas" .) "port" .Values.namenode.service.ports.rpc "context" .) -}}
{{- end -}}

{{/* Default file system URI: hdfs://<nameservice> with HA, hdfs://<namenode-0>:<rpc> without. */}}
{{- define "hdfs.defaultFS" -}}
{{- if .Values.ha.enabled -}}
{{- printf "hdfs://%s" (include "hdfs.nameservice" .) -}}
{{- else -}}
{{- printf "hdfs://%s:%d" (include "hdfs.namenode.host" (dict "ordinal" 0 "context" .)) (int .Values.namenode.service.ports.rpc) -}}
{{- end -}}
{{- end -}}

{{/* qjournal://jn0:8485;jn1:8485;jn2:8485/<nameservice> */}}
{{- define "hdfs.journalnode.sharedEditsDir" -}}
{{- $list := include "common.names.podAddressList" (dict "statefulset" (include "hdfs.journalnode.fullname" .) "service" (include "hdfs.journalnode.headless" .) "replicas" .Values.journalnode.replicaCount "port" .Values.journalnode.service.ports.rpc "separator" ";" "context" .) -}}
{{- printf "qjournal://%s/%s" $list (include "hdfs.nameservice" .) -}}
{{- end -}}

{{/* "host:http,..." of every JournalNode (for the bootstrap script); the HTTPS port with security.tls. */}}
{{- define "hdfs.journalnode.httpAddresses" -}}
{{- $port := ternary .Values.journalnode.service.ports.https .Values.journalnode.service.ports.http (not (empty .Values.security.tls.enabled)) -}}
{{- include "common.names.podAddressList" (dict "statefulset" (include "hdfs.journalnode.fullname" .) "service" (include "hdfs.journalnode.headless" .) "replicas" .Values.journalnode.replicaCount "port" $port "context" .) -}}
{{- end -}}

{{/* ZooKeeper quorum: bundled ensemble, else externalZookeeper.quorum. */}}
{{- define "hdfs.zookeeper.quorum" -}}
{{- if include "hdfs.zookeeper.bundled" . -}}
{{- include "common.names.podAddressList" (dict "statefulset" (include "hdfs.zookeeper.fullname" .) "service" (include "hdfs.zookeeper.headless" .) "replicas" .Values.zookeeper.replicaCount "port" .Values.zookeeper.service.ports.client "context" .) -}}
{{- else -}}
{{- .Values.externalZookeeper.quorum -}}
{{- end -}}
{{- end -}}

{{/* Number of data volumes of a DataNode: PVCs (persistence.volumeCount) or hostPath.dirs. */}}
{{- define "hdfs.datanode.volumeCount" -}}
{{- ternary (len .Values.datanode.hostPath.dirs) (int .Values.datanode.persistence.volumeCount) (eq .Values.datanode.kind "DaemonSet") -}}
{{- end -}}

{{/*
Data directories of a DataNode (dfs.datanode.data.dir): the folder "data" inside each volume, which
is mounted at /hadoop/dfs/data<i> (a PVC or a hostPath dir). Not the volume root: the DataNode chmods
its data dirs to 700 at every start (DiskChecker), which only the owner may do, and a volume root is
root-owned (a PVC root is root:<fsGroup> 2775, a DirectoryOrCreate hostPath root:root 0755).
*/}}
{{- define "hdfs.datanode.dataDirs" -}}
{{- $dirs := list -}}
{{- range $i := until (int (include "hdfs.datanode.volumeCount" .)) }}{{ $dirs = append $dirs (printf "/hadoop/dfs/data%d/data" $i) }}{{ end -}}
{{- join "," $dirs -}}
{{- end -}}

{{/* Environment every Hadoop container gets. */}}
{{- define "hdfs.env.common" -}}
- name: HADOOP_HOME
  value: /opt/hadoop
- name: HADOOP_CONF_DIR
  value: /etc/hadoop/conf
- name: HADOOP_LOG_DIR
  value: /opt/hadoop/logs
# Every hdfs/hadoop command's JVM: IPv4 (Hadoop's default HADOOP_OPTS) and a 5 s DNS cache instead of
# Java's 30 s, so a NameNode pod recreated with a new address is found again within seconds.
- name: HADOOP_OPTS
  value: "-Djava.net.preferIPv4Stack=true -Dsun.net.inetaddr.ttl=5 -Dsun.net.inetaddr.negative.ttl=1"
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: HDFS_NAMESERVICE
  value: {{ include "hdfs.nameservice" . | quote }}
- name: HDFS_DEFAULT_FS
  value: {{ include "hdfs.defaultFS" . | quote }}
- name: HDFS_HA_ENABLED
  value: {{ .Values.ha.enabled | quote }}
- name: BOOTSTRAP_TIMEOUT_SECONDS
  value: {{ .Values.bootstrap.timeoutSeconds | quote }}
- name: BOOTSTRAP_RETRY_SECONDS
  value: {{ .Values.bootstrap.retrySeconds | quote }}
{{- end -}}

{{/* Volumes every Hadoop pod gets: configuration, scripts, writable /tmp and logs. */}}
{{- define "hdfs.volumes.common" -}}
- name: hadoop-config
  configMap:
    name: {{ include "hdfs.configMapName" . }}
- name: scripts
  configMap:
    name: {{ include "hdfs.scriptsConfigMapName" . }}
    defaultMode: 0555
- name: tmp
  emptyDir: {}
- name: logs
  emptyDir: {}
{{- include "hdfs.security.volumes" . }}
{{- end -}}

{{- define "hdfs.volumeMounts.common" -}}
- name: hadoop-config
  mountPath: /etc/hadoop/conf
  readOnly: true
- name: scripts
  mountPath: /opt/hdfs-scripts
  readOnly: true
- name: tmp
  mountPath: /tmp
- name: logs
  mountPath: /opt/hadoop/logs
{{- include "hdfs.security.volumeMounts" . }}
{{- end -}}

{{/* Pod-level fields shared by every workload of the chart. */}}
{{- define "hdfs.pod.common" -}}
serviceAccountName: {{ include "common.serviceAccount.name" .context }}
automountServiceAccountToken: {{ .context.Values.serviceAccount.automountServiceAccountToken }}
{{- include "common.images.pullSecrets" .context }}
{{- with .values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
terminationGracePeriodSeconds: {{ .values.terminationGracePeriodSeconds }}
{{- include "common.pod.securityContext" .values.podSecurityContext }}
{{- include "common.pod.scheduling" (dict "values" .values "component" .component "context" .context) }}
{{- end -}}

{{/*
Files each component reads, for its checksum annotations: a change rolls only the pods that read it
(one checksum for everything restarted ZooKeeper, JournalNodes, NameNodes and DataNodes at once).
The exclude file (decommissioning) is in none: running NameNodes read it on -refreshNodes.
*/}}
{{- define "hdfs.component.scripts" -}}
{{- $scripts := dict
  "zookeeper" (list "lib.sh" "zookeeper-start.sh" "zookeeper-probe.sh")
  "journalnode" (list "lib.sh" "journalnode-probe.sh")
  "namenode" (list "lib.sh" "namenode-bootstrap.sh" "namenode-probe.sh" "zkfc-start.sh" "zkfc-prestop.sh" "topology.sh")
  "datanode" (list "lib.sh" "datanode-wait.sh" "datanode-volume-permissions.sh")
-}}
{{- join "," (get $scripts .) -}}
{{- end -}}

{{/*
The Prometheus endpoint of a component's pods (dict port, path, scheme; port 0: none): /prom on the
web port of the Hadoop daemons (hadoop.prometheus.endpoint.enabled; https with security.tls), /metrics
of the bundled ZooKeeper's PrometheusMetricsProvider. The ZKFC, in the NameNode pod, serves none.
Usage: include "hdfs.metrics.endpoint" (dict "component" "namenode" "context" $) | fromYaml
*/}}
{{- define "hdfs.metrics.endpoint" -}}
{{- $ctx := .context -}}
{{- $tls := $ctx.Values.security.tls.enabled -}}
{{- $scheme := ternary "https" "http" $tls -}}
{{- $web := dict "namenode" $ctx.Values.namenode.service.ports "journalnode" $ctx.Values.journalnode.service.ports "datanode" $ctx.Values.datanode.ports -}}
{{- if hasKey $web .component }}
port: {{ index (index $web .component) $scheme }}
portName: {{ $scheme }}
path: /prom
scheme: {{ $scheme }}
{{- else if eq .component "zookeeper" }}
port: {{ $ctx.Values.metrics.zookeeperPort }}
portName: metrics
path: /metrics
scheme: http
{{- else }}
port: 0
{{- end }}
{{- end -}}

{{/* ServiceMonitor of a component (common.metrics.serviceMonitor with hdfs.metrics.endpoint). */}}
{{- define "hdfs.metrics.serviceMonitor" -}}
{{- $e := include "hdfs.metrics.endpoint" (dict "component" .component "context" .context) | fromYaml -}}
{{- include "common.metrics.serviceMonitor" (dict "component" .component "port" $e.portName "path" $e.path "scheme" $e.scheme "context" .context) -}}
{{- end -}}

{{/* Pod template metadata: selector labels + podLabels, the checksums of what the component reads + metrics annotations + podAnnotations. */}}
{{- define "hdfs.pod.metadata" -}}
{{- $ctx := .context -}}
labels:
  {{- include "common.labels.standard" (dict "component" .component "context" $ctx) | nindent 2 }}
  {{- with .values.podLabels }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
annotations:
  {{- if eq .component "zookeeper" }}
  checksum/config: {{ include (print $ctx.Template.BasePath "/zookeeper/configmap.yaml") $ctx | sha256sum }}
  {{- else }}
  checksum/config: {{ include (print $ctx.Template.BasePath "/config/configmap.yaml") $ctx | sha256sum }}
  {{- end }}
  {{- $files := list }}
  {{- range splitList "," (include "hdfs.component.scripts" .component) }}
  {{- $files = append $files ($ctx.Files.Get (printf "files/scripts/%s" .)) }}
  {{- end }}
  checksum/scripts: {{ join "\n" $files | sha256sum }}
  {{- if $ctx.Values.security.kerberos.enabled }}
  checksum/krb5: {{ include (print $ctx.Template.BasePath "/config/configmap-krb5.yaml") $ctx | sha256sum }}
  {{- end }}
  {{- if and (eq .component "namenode") $ctx.Values.rackAwareness.enabled }}
  checksum/topology: {{ include (print $ctx.Template.BasePath "/topology/configmap.yaml") $ctx | sha256sum }}
  {{- end }}
  {{- $metrics := include "hdfs.metrics.endpoint" (dict "component" .component "context" $ctx) | fromYaml }}
  {{- with (include "common.metrics.podAnnotations" (dict "port" $metrics.port "path" $metrics.path "scheme" $metrics.scheme "context" $ctx)) }}
  {{- . | nindent 2 }}
  {{- end }}
  {{- with .values.podAnnotations }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end -}}

{{/* Label key of the pods allowed to reach the bundled ZooKeeper (value "true"); see zookeeper/networkpolicy.yaml. */}}
{{/* Name of the web port of NameNodes, JournalNodes and DataNodes: https with security.tls, else http. */}}
{{- define "hdfs.webPortName" -}}{{ ternary "https" "http" (.Values.security.tls.enabled | default false) }}{{- end -}}
{{- define "hdfs.zookeeper.clientLabel" -}}{{ printf "%s-zookeeper-client" (include "hdfs.fullname" .) }}{{- end -}}

{{/* "uid:gid" the DataNode runs as (container securityContext over the pod's; the image's hadoop:users otherwise). */}}
{{- define "hdfs.datanode.owner" -}}
{{- $c := .Values.datanode.containerSecurityContext -}}
{{- $p := .Values.datanode.podSecurityContext -}}
{{- $uid := 1000 -}}{{- $gid := 100 -}}
{{- if and $p.enabled (hasKey $p "runAsUser") -}}{{- $uid = $p.runAsUser -}}{{- end -}}
{{- if and $p.enabled (hasKey $p "runAsGroup") -}}{{- $gid = $p.runAsGroup -}}{{- end -}}
{{- if and $c.enabled (hasKey $c "runAsUser") -}}{{- $uid = $c.runAsUser -}}{{- end -}}
{{- if and $c.enabled (hasKey $c "runAsGroup") -}}{{- $gid = $c.runAsGroup -}}{{- end -}}
{{- printf "%d:%d" (int $uid) (int $gid) -}}
{{- end -}}

{{/* Decommissioning: the exclude file's ConfigMap, its path in the NameNode container, and one entry. */}}
{{- define "hdfs.decommission.configMapName" -}}
{{- default (printf "%s-exclude" (include "hdfs.fullname" .)) .Values.datanode.decommission.existingConfigMap -}}
{{- end -}}
{{- define "hdfs.decommission.excludeFile" -}}/etc/hadoop/exclude/exclude{{- end -}}
{{/* A StatefulSet DataNode pod name becomes its DNS name (the NameNode resolves entries to IPs); anything else stays as written. */}}
{{- define "hdfs.decommission.host" -}}
{{- $sts := include "hdfs.datanode.fullname" .context -}}
{{- if and (eq .context.Values.datanode.kind "StatefulSet") (regexMatch (printf "^%s-[0-9]+$" (regexQuoteMeta $sts)) .name) -}}
{{- printf "%s.%s.%s.svc.%s" .name (include "hdfs.datanode.headless" .context) (include "common.names.namespace" .context) (include "common.names.clusterDomain" .context) -}}
{{- else -}}
{{- .name -}}
{{- end -}}
{{- end -}}
{{- define "hdfs.decommission.volume" -}}
- name: exclude
  configMap:
    name: {{ include "hdfs.decommission.configMapName" . }}
    items:
      - key: {{ ternary .Values.datanode.decommission.existingConfigMapKey "exclude" (not (empty .Values.datanode.decommission.existingConfigMap)) }}
        path: exclude
{{- end -}}
{{- define "hdfs.decommission.volumeMount" -}}
- name: exclude
  mountPath: /etc/hadoop/exclude
  readOnly: true
{{- end -}}

{{/*
configOverrides keys (core-site.xml, hdfs-site.xml) the chart derives from its values: {key: the
value to set instead}. A key ending in "." is a prefix (dfs.namenode.rpc-address.<ns>.<id>).
*/}}
{{- define "hdfs.ownedKeys.core" -}}
fs.defaultFS: ha.nameservice
ha.zookeeper.quorum: zookeeper or externalZookeeper.quorum
ha.zookeeper.parent-znode: ha.zookeeperParentZnode
hadoop.prometheus.endpoint.enabled: metrics.enabled
hadoop.security.authentication: security.kerberos.enabled
net.topology.script.file.name: rackAwareness.enabled
{{- end -}}
{{- define "hdfs.ownedKeys.hdfs" -}}
dfs.nameservices: ha.nameservice
dfs.ha.namenodes.: namenode.replicaCount
dfs.namenode.rpc-address: namenode.service.ports.rpc
dfs.namenode.rpc-address.: namenode.service.ports.rpc
dfs.namenode.http-address: namenode.service.ports.http
dfs.namenode.http-address.: namenode.service.ports.http
dfs.namenode.https-address: namenode.service.ports.https
dfs.namenode.https-address.: namenode.service.ports.https
dfs.namenode.name.dir: namenode.persistence
dfs.namenode.shared.edits.dir: journalnode.replicaCount
dfs.journalnode.edits.dir: journalnode.persistence
dfs.journalnode.rpc-address: journalnode.service.ports.rpc
dfs.journalnode.http-address: journalnode.service.ports.http
dfs.datanode.data.dir: datanode.persistence.volumeCount or datanode.hostPath.dirs
dfs.datanode.address: datanode.ports.data
dfs.datanode.http.address: datanode.ports.http
dfs.datanode.ipc.address: datanode.ports.ipc
dfs.replication: config.replication
dfs.blocksize: config.blockSize
dfs.permissions.enabled: config.permissionsEnabled
dfs.webhdfs.enabled: config.webhdfsEnabled
dfs.ha.automatic-failover.enabled: ha.enabled
dfs.ha.fencing.methods: ha.fencingMethods
dfs.ha.log-roll.period: ha.editLogRollPeriodSeconds
dfs.ha.zkfc.port: namenode.zkfc.port
dfs.hosts.exclude: datanode.decommission
{{- end -}}
