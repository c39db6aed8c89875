{{/*
The hdfs chart's NOTES, as a named template so that the umbrella chart prints them too (Helm shows a
subchart's NOTES.txt only with --render-subchart-notes): templates/NOTES.txt includes it with the
chart's context, charts/umbrella/templates/NOTES.txt with .Subcharts.hdfs.
*/}}
{{- define "hdfs.notes" -}}
{{- $ns := include "common.names.namespace" . -}}
{{- $nn := include "hdfs.namenode.fullname" . -}}
HDFS {{ .Chart.AppVersion }} is being deployed as release "{{ .Release.Name }}" in namespace "{{ $ns }}".

{{- if .Values.ha.enabled }}
Mode: high availability, nameservice "{{ include "hdfs.nameservice" . }}" with {{ .Values.namenode.replicaCount }} NameNodes, {{ .Values.journalnode.replicaCount }} JournalNodes and
{{- if .Values.zookeeper.enabled }} a bundled {{ .Values.zookeeper.replicaCount }}-server ZooKeeper ensemble.{{ else }} the external ZooKeeper {{ .Values.externalZookeeper.quorum }}.{{ end }}
{{- else }}
Mode: single NameNode (no high availability).
{{- end }}

Client configuration (core-site.xml, hdfs-site.xml) for other workloads:
  ConfigMap "{{ include "hdfs.configMapName" . }}"  -> mount it and set HADOOP_CONF_DIR to its mount path.
  Default file system: {{ include "hdfs.defaultFS" . }}

Check health:
  kubectl -n {{ $ns }} get pods -l app.kubernetes.io/instance={{ .Release.Name }}
{{- if .Values.ha.enabled }}
  kubectl -n {{ $ns }} exec {{ $nn }}-0 -c namenode -- hdfs haadmin -ns {{ include "hdfs.nameservice" . }} -getAllServiceState
{{- end }}
  kubectl -n {{ $ns }} exec {{ $nn }}-0 -c namenode -- hdfs dfsadmin -report
{{- if .Values.tests.enabled }}
  helm test {{ .Release.Name }} -n {{ $ns }}
{{- end }}

NameNode web UI:
{{- if .Values.namenode.ingress.enabled }}
  http{{ if .Values.namenode.ingress.tlsSecret }}s{{ end }}://{{ .Values.namenode.ingress.hostname }}{{ .Values.namenode.ingress.path }}
{{- else if .Values.security.tls.enabled }}
  kubectl -n {{ $ns }} port-forward svc/{{ $nn }} {{ .Values.namenode.service.ports.https }}  then open https://127.0.0.1:{{ .Values.namenode.service.ports.https }}
{{- else }}
  kubectl -n {{ $ns }} port-forward svc/{{ $nn }} {{ .Values.namenode.service.ports.http }}  then open http://127.0.0.1:{{ .Values.namenode.service.ports.http }}
{{- end }}
{{- if .Values.security.kerberos.enabled }}

Kerberos is on (realm {{ .Values.security.kerberos.realm }}): run `kinit` with your principal before any hdfs command
(in the pods: kinit -kt "$KERBEROS_KEYTAB" "$KERBEROS_PRINCIPAL").
{{- end }}

Data safety: NameNode, JournalNode{{ if include "hdfs.zookeeper.bundled" . }}, ZooKeeper{{ end }} and DataNode volumes are kept when the
release is uninstalled or scaled down; delete their PVCs yourself to remove the data.
{{- range $name, $p := dict "namenode" .Values.namenode.persistence "journalnode" .Values.journalnode.persistence "zookeeper" .Values.zookeeper.persistence "datanode" .Values.datanode.persistence }}
{{- if not $p.enabled }}
WARNING: {{ $name }}.persistence.enabled is false: its data lives in an emptyDir and is LOST when the pod is deleted.
{{- end }}
{{- end }}
{{- if eq .Values.datanode.kind "DaemonSet" }}
DataNodes run as a DaemonSet on the node directories {{ join ", " .Values.datanode.hostPath.dirs }} (data in the folder "data" of each{{ if .Values.datanode.volumePermissions.enabled }}, created for the DataNode by a root init container{{ else }}, which must belong to {{ include "hdfs.datanode.owner" . }}{{ end }}).
{{- end }}
{{- with .Values.datanode.decommission.datanodes }}

Decommissioning: {{ join ", " . }}. Once the exclude file reached the NameNodes (within a minute), run
  kubectl -n {{ $ns }} exec {{ $nn }}-0 -c namenode -- hdfs dfsadmin -refreshNodes
and scale down only after `hdfs dfsadmin -report` shows "Decommission Status : Decommissioned" for each.
{{- end }}
{{- include "common.metrics.notes" (dict "what" (printf "/prom on the web port of every NameNode, JournalNode and DataNode%s" (ternary (printf ", /metrics on port %v of the bundled ZooKeeper" .Values.metrics.zookeeperPort) "" (not (not (include "hdfs.zookeeper.bundled" .))))) "context" .) }}
{{- if .Values.networkPolicy.enabled }}
NetworkPolicies: on. HDFS clients need the pod label {{ include "common.networkPolicy.clientLabel" . }}: "true"{{ if include "hdfs.zookeeper.bundled" . }}
(ZooKeeper clients: {{ include "hdfs.zookeeper.clientLabel" . }}: "true"){{ end }}{{ if .Values.networkPolicy.allowExternal }}; allowExternal opens the client ports to every source{{ end }}.
{{- if and (include "common.locality.hostNetwork" (dict "value" .Values.datanode.hostNetwork "context" .)) (not (include "common.networkPolicy.nodeCIDRs" . | fromYamlArray)) }}
WARNING: host-network DataNodes with no networkPolicy.nodeCIDRs (or global.locality.nodeCIDRs): the NameNode RPC port accepts every source{{ if include "common.locality.enabled" . }}, and in locality mode so do the client ports{{ end }}.
{{- end }}
{{- end }}
{{- end -}}
