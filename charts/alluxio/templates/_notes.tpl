{{/*
The alluxio chart's NOTES, as a named template so that the umbrella chart prints them too (Helm shows a
subchart's NOTES.txt only with --render-subchart-notes): templates/NOTES.txt includes it with the
chart's context, charts/umbrella/templates/NOTES.txt with .Subcharts.alluxio.
*/}}
{{- define "alluxio.notes" -}}
{{- $ns := include "common.names.namespace" . -}}
{{- $m := include "alluxio.master.fullname" . -}}
{{- $jt := include "alluxio.journal.type" . -}}
Alluxio {{ .Chart.AppVersion }} is being deployed as release "{{ .Release.Name }}" in namespace "{{ $ns }}".

Masters: {{ .Values.master.replicaCount }} with the {{ $jt }} journal{{ if eq $jt "EMBEDDED" }} (Raft){{ end }}.
{{- if gt (int .Values.master.replicaCount) 1 }}
  alluxio.master.rpc.addresses={{ include "alluxio.master.addresses" (dict "port" .Values.master.ports.rpc "context" .) }}
{{- else }}
  alluxio.master.hostname={{ include "alluxio.master.host" (dict "ordinal" 0 "context" .) }}
  Client Service: {{ $m }}.{{ $ns }}.svc.{{ include "common.names.clusterDomain" . }}:{{ .Values.master.ports.rpc }}
{{- end }}
Workers: {{ if eq .Values.worker.kind "DaemonSet" }}a DaemonSet (one per selected node){{ else }}{{ .Values.worker.replicaCount }} (StatefulSet){{ end }}, tiers {{ range $i, $l := .Values.tieredStore.levels }}{{ if $i }}, {{ end }}{{ $l.alias }}{{ end }}.
{{- with (include "alluxio.rootUfs" .) }}
Root under storage: {{ . }}
{{- else }}
WARNING: no under storage is set (ufs.root or hdfs.configMap): files are written MUST_CACHE and live
only in the workers' tiers; a file whose worker is lost cannot be read again. Use this only for trials.
{{- end }}

Web UI (served by the primary master only):
{{- if gt (int .Values.master.replicaCount) 1 }}
  kubectl -n {{ $ns }} exec {{ $m }}-0 -c master -- alluxio fsadmin report summary | grep PRIMARY
  kubectl -n {{ $ns }} port-forward pod/<that master's pod name> {{ .Values.master.ports.web }}  then open http://127.0.0.1:{{ .Values.master.ports.web }}
  (the Service svc/{{ $m }} may forward to a standby, whose web port is closed)
{{- else }}
  kubectl -n {{ $ns }} port-forward svc/{{ $m }} {{ .Values.master.ports.web }}  then open http://127.0.0.1:{{ .Values.master.ports.web }}
{{- end }}

Check health:
  kubectl -n {{ $ns }} get pods -l app.kubernetes.io/instance={{ .Release.Name }}
  kubectl -n {{ $ns }} exec {{ $m }}-0 -c master -- alluxio fsadmin report
{{- if .Values.tests.enabled }}
  helm test {{ .Release.Name }} -n {{ $ns }}
{{- end }}

Journal: {{ if .Values.journal.persistence.enabled }}on a PVC per master (kept on uninstall and scale-down; delete the PVCs yourself to remove it).{{ end }}
{{- if not .Values.journal.persistence.enabled }}
WARNING: journal.persistence.enabled is false: the journal lives in an emptyDir and ALL METADATA IS
LOST when a master pod is deleted or rescheduled. Enable persistence for anything but a trial.
{{- end }}
{{- if include "alluxio.worker.hostNetwork" . }}
WARNING: workers use the node network: ports {{ .Values.worker.ports.rpc }}, {{ .Values.worker.ports.web }}, {{ .Values.jobWorker.ports.rpc }}-{{ .Values.jobWorker.ports.web }} must be free on every
worker node, and two workers cannot run on one node.
{{- end }}
{{- if .Values.fuse.enabled }}
FUSE: Alluxio is mounted at {{ .Values.fuse.mountPoint }} on every FUSE node; pods reach it with a hostPath
volume (mountPropagation: HostToContainer). The FUSE pods run privileged as root.
{{- end }}
{{- include "common.metrics.notes" (dict "what" (printf "%s on the web port of every master and worker" (include "alluxio.metrics.path" .)) "context" .) }}
{{- if .Values.networkPolicy.enabled }}
NetworkPolicies: on. Alluxio clients need the pod label {{ include "common.networkPolicy.clientLabel" . }}: "true"{{ if .Values.networkPolicy.allowExternal }} (allowExternal: the client ports accept every source){{ end }}.
{{- if and (include "alluxio.worker.hostNetwork" .) (not (include "common.networkPolicy.nodeCIDRs" . | fromYamlArray)) }}
WARNING: host-network workers with no networkPolicy.nodeCIDRs: the master RPC ports accept every source.
{{- end }}
{{- end }}
{{- end -}}
