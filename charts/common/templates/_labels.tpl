{{/*
Standard labels of every object (Kubernetes recommended labels plus helm.sh/chart).
Usage: include "common.labels.standard" (dict "component" "namenode" "context" $)
*/}}
{{- define "common.labels.standard" -}}
app.kubernetes.io/name: {{ include "common.names.name" .context }}
helm.sh/chart: {{ include "common.names.chart" .context }}
app.kubernetes.io/instance: {{ .context.Release.Name }}
app.kubernetes.io/managed-by: {{ .context.Release.Service }}
{{- with .context.Chart.AppVersion }}
app.kubernetes.io/version: {{ . | quote }}
{{- end }}
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
app.kubernetes.io/part-of: bigdata-stack
{{- $global := .context.Values.global | default dict }}
{{- with (merge (dict) (.context.Values.commonLabels | default dict) ($global.commonLabels | default dict)) }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
Selector labels: name, instance and component only (selectors are immutable).
Usage: include "common.labels.matchLabels" (dict "component" "namenode" "context" $)
*/}}
{{- define "common.labels.matchLabels" -}}
app.kubernetes.io/name: {{ include "common.names.name" .context }}
app.kubernetes.io/instance: {{ .context.Release.Name }}
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end -}}

{{/*
Object metadata block: name, namespace, labels (+ extra labels: YAML text of "key: value" lines)
and commonAnnotations (+ extra annotations, + checkov skip annotations from "checkovSkips", see
common.checkov.skipAnnotations).
Usage: include "common.metadata" (dict "name" "x" "component" "namenode" "annotations" dict "labels" ""
         "checkovSkips" (dict "CKV_K8S_19" "reason") "context" $)
*/}}
{{- define "common.metadata" -}}
name: {{ .name }}
namespace: {{ include "common.names.namespace" .context }}
labels:
  {{- include "common.labels.standard" (dict "component" .component "context" .context) | nindent 2 }}
  {{- with (trim (.labels | default "")) }}
  {{- . | nindent 2 }}
  {{- end }}
{{- $annotations := merge (dict) (.annotations | default dict) (.context.Values.commonAnnotations | default dict) }}
{{- with .checkovSkips }}
{{- $annotations = merge $annotations (include "common.checkov.skipAnnotations" . | fromYaml) }}
{{- end }}
{{- with $annotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
checkov skip annotations for one object: a dict of check ID -> reason becomes
"checkov.io/skip<N>: <ID>=<reason>" (N = 1.. in ID order), the per-resource suppression
checkov reads from metadata.annotations (keys containing "checkov.io/skip", one check ID per
annotation: checkov/kubernetes/kubernetes_utils.py, checkov 3.3).
Only for what an object needs by design (the privileged FUSE DaemonSet, hostNetwork DataNodes,
helm test pods); check IDs skipped for every object are listed in tests/render/checkov-skips.yaml.
checkov splits the value at "=", so a reason must not contain one.
Usage: include "common.checkov.skipAnnotations" (dict "CKV_K8S_19" "reason")
*/}}
{{- define "common.checkov.skipAnnotations" -}}
{{- $skips := . -}}
{{- range $i, $id := keys $skips | sortAlpha }}
{{- $reason := get $skips $id }}
{{- if or (not $reason) (contains "=" $reason) }}
{{- fail (printf "checkov skip %s: the reason must be a non-empty text without \"=\" (checkov splits the annotation at \"=\")" $id) }}
{{- end }}
{{ printf "checkov.io/skip%d" (add1 $i) }}: {{ printf "%s=%s" $id $reason | quote }}
{{- end }}
{{- end -}}

{{/*
checkov skips of a `helm test` Pod: it runs once to completion, serves nothing to probe and accepts
no connections (no NetworkPolicy selects it).
Usage: "checkovSkips" (include "common.checkov.testPodSkips" . | fromYaml) in common.metadata.
*/}}
{{- define "common.checkov.testPodSkips" -}}
{{- $reason := "helm test pod: runs one check to completion (restartPolicy Never) and serves nothing a probe could ask" -}}
{{- $noPolicy := "helm test pod: a client that accepts no connections, so no NetworkPolicy selects it; the components' policies admit it as a client" -}}
{{- dict "CKV_K8S_8" $reason "CKV_K8S_9" $reason "CKV2_K8S_6" $noPolicy | toYaml -}}
{{- end -}}
