{{/*
Prometheus metrics and Grafana dashboards of a chart (values: metrics.*, schema block metrics() in
tools/chartsuite/schemas/blocks.py). A chart whose daemons serve metrics:
- annotates each pod with common.metrics.podAnnotations (prometheus.io/scrape, port, path, scheme);
- labels the one Service per component a ServiceMonitor should use with common.metrics.serviceLabels
  (another Service of the same component would be scraped twice);
- renders common.metrics.serviceMonitor per component (opt-in, prometheus-operator's
  monitoring.coreos.com/v1 ServiceMonitor);
- adds common.networkPolicy.rule.scrapers to each component's NetworkPolicy;
- renders common.metrics.dashboards once (opt-in): one ConfigMap per files/dashboards/*.json.
*/}}

{{/* Label key of the Services a ServiceMonitor selects: "<fullname>-metrics" (value "true"). */}}
{{- define "common.metrics.serviceLabel" -}}
{{- printf "%s-metrics" (include "common.names.fullname" .) -}}
{{- end -}}

{{/*
Labels (YAML text) for the Service of a component that a ServiceMonitor scrapes; empty without metrics.
Usage: include "common.metrics.serviceLabels" $
*/}}
{{- define "common.metrics.serviceLabels" -}}
{{- if .Values.metrics.enabled -}}
{{ include "common.metrics.serviceLabel" . }}: "true"
{{- end -}}
{{- end -}}

{{/*
Pod annotations (YAML text) naming one metrics endpoint; empty when metrics or podAnnotations is off.
Usage: include "common.metrics.podAnnotations" (dict "port" 9870 "path" "/prom" "scheme" "http" "context" $)
*/}}
{{- define "common.metrics.podAnnotations" -}}
{{- $m := .context.Values.metrics -}}
{{- if and $m.enabled $m.podAnnotations -}}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .port | quote }}
prometheus.io/path: {{ .path | quote }}
prometheus.io/scheme: {{ .scheme | default "http" | quote }}
{{- end -}}
{{- end -}}

{{/*
ServiceMonitor of one component: the Service of that component labelled by
common.metrics.serviceLabels, one endpoint (a Service port name). Nothing unless metrics.enabled and
metrics.serviceMonitor.enabled.
Usage: include "common.metrics.serviceMonitor" (dict "component" "namenode" "port" "http" "path" "/prom" "scheme" "http" "context" $)
*/}}
{{- define "common.metrics.serviceMonitor" -}}
{{- $m := .context.Values.metrics -}}
{{- if and $m.enabled $m.serviceMonitor.enabled }}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  {{- $labels := "" }}{{ with $m.serviceMonitor.labels }}{{ $labels = toYaml . }}{{ end }}
  {{- include "common.metadata" (dict "name" (include "common.names.component" (dict "component" .component "context" .context)) "component" .component "labels" $labels "context" .context) | nindent 2 }}
spec:
  selector:
    matchLabels:
      {{- include "common.labels.matchLabels" (dict "component" .component "context" .context) | nindent 6 }}
      {{- include "common.metrics.serviceLabels" .context | nindent 6 }}
  namespaceSelector:
    matchNames:
      - {{ include "common.names.namespace" .context }}
  endpoints:
    - port: {{ .port }}
      path: {{ .path }}
      scheme: {{ .scheme | default "http" }}
      interval: {{ $m.serviceMonitor.interval }}
      scrapeTimeout: {{ $m.serviceMonitor.scrapeTimeout }}
      {{- with $m.serviceMonitor.tlsConfig }}
      tlsConfig:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end }}
{{- end -}}

{{/*
NetworkPolicy rule: the metrics ports accept metrics.scrapers (NetworkPolicyPeer list). Nothing when
metrics is off or no scraper is listed.
Usage: include "common.networkPolicy.rule.scrapers" (dict "ports" (list "http") "context" $)
*/}}
{{- define "common.networkPolicy.rule.scrapers" -}}
{{- $m := .context.Values.metrics -}}
{{- if and $m.enabled $m.scrapers }}
- ports:
    {{- include "common.networkPolicy.ports" .ports | trim | nindent 4 }}
  from:
    {{- toYaml $m.scrapers | nindent 4 }}
{{- end }}
{{- end -}}

{{/*
One ConfigMap per files/dashboards/*.json of the chart, labelled for the Grafana sidecar
(metrics.dashboards.labels); nothing unless metrics.enabled and metrics.dashboards.enabled.
Usage: include "common.metrics.dashboards" $
*/}}
{{- define "common.metrics.dashboards" -}}
{{- $m := .Values.metrics -}}
{{- if and $m.enabled $m.dashboards.enabled }}
{{- $labels := "" }}{{ with $m.dashboards.labels }}{{ $labels = toYaml . }}{{ end }}
{{- range $path, $_ := .Files.Glob "files/dashboards/*.json" }}
{{- $name := base $path | trimSuffix ".json" }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  {{- include "common.metadata" (dict "name" (printf "%s-dashboard-%s" (include "common.names.fullname" $) $name) "component" "metrics" "labels" $labels "annotations" $m.dashboards.annotations "context" $) | nindent 2 }}
data:
  {{ base $path }}: |-
    {{- $.Files.Get $path | nindent 4 }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
NOTES lines about the metrics: what serves them, the opt-in objects, and a reminder when the
NetworkPolicies keep every scraper out. Nothing without metrics.enabled.
Usage: include "common.metrics.notes" (dict "what" "/prom on every NameNode's web port" "context" $)
*/}}
{{- define "common.metrics.notes" -}}
{{- $m := .context.Values.metrics -}}
{{- if $m.enabled }}
Prometheus metrics: {{ .what }}{{ if $m.podAnnotations }} (pods annotated prometheus.io/scrape){{ end }}.
{{- if $m.serviceMonitor.enabled }} ServiceMonitors: one per component.{{ end }}
{{- if $m.dashboards.enabled }} Grafana dashboards: ConfigMaps labelled {{ toJson $m.dashboards.labels }}.{{ end }}
{{- if and .context.Values.networkPolicy.enabled (not $m.scrapers) }}
  The NetworkPolicies let no scraper in yet: list your Prometheus's namespace or pods in metrics.scrapers.
{{- end }}
{{- end }}
{{- end -}}
