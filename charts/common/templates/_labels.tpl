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
and commonAnnotations (+ extra annotations).
Usage: include "common.metadata" (dict "name" "x" "component" "namenode" "annotations" dict "labels" "" "context" $)
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
{{- with $annotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
