{{/*
Pod scheduling block: affinity (explicit, else the pod anti-affinity preset),
nodeSelector, tolerations, topologySpreadConstraints.
A component's values carry: affinity, podAntiAffinityPreset (soft|hard|none),
nodeSelector, tolerations, topologySpreadConstraints. Optional "podAffinity": rendered
preferred podAffinity terms (YAML list text, e.g. common.stack.dataNodeAffinity), added
unless the values give an explicit affinity.
Usage: include "common.pod.scheduling" (dict "values" .Values.namenode "component" "namenode" "context" $)
*/}}
{{- define "common.pod.scheduling" -}}
{{- $anti := and .values.podAntiAffinityPreset (ne .values.podAntiAffinityPreset "none") }}
{{- if .values.affinity }}
affinity:
  {{- include "common.tplvalues.render" (dict "value" .values.affinity "context" .context) | nindent 2 }}
{{- else if or $anti .podAffinity }}
affinity:
  {{- if $anti }}
  podAntiAffinity:
    {{- include "common.affinity.podAntiAffinity" (dict "preset" .values.podAntiAffinityPreset "component" .component "context" .context) | nindent 4 }}
  {{- end }}
  {{- with .podAffinity }}
  podAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
      {{- . | nindent 6 }}
  {{- end }}
{{- end }}
{{- with .values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.topologySpreadConstraints }}
topologySpreadConstraints:
  {{- include "common.tplvalues.render" (dict "value" . "context" $.context) | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
Pod anti-affinity body for a preset: "soft" prefers one pod per node
(weight 100), "hard" requires it.
*/}}
{{- define "common.affinity.podAntiAffinity" -}}
{{- $term := dict "topologyKey" "kubernetes.io/hostname" "labelSelector" (dict "matchLabels" (include "common.labels.matchLabels" (dict "component" .component "context" .context) | fromYaml)) -}}
{{- if eq .preset "hard" }}
requiredDuringSchedulingIgnoredDuringExecution:
  - {{- toYaml $term | nindent 4 }}
{{- else }}
preferredDuringSchedulingIgnoredDuringExecution:
  - weight: 100
    podAffinityTerm:
      {{- toYaml $term | nindent 6 }}
{{- end }}
{{- end -}}

{{/*
A security context from values without the chart-only "enabled" switch;
renders nothing when enabled is false.
Usage: include "common.securityContext" .Values.namenode.podSecurityContext
*/}}
{{- define "common.securityContext" -}}
{{- if .enabled -}}
{{- toYaml (omit . "enabled") -}}
{{- end -}}
{{- end -}}

{{/*
The "securityContext:" field of a container from values (common.securityContext under the key),
nothing when enabled is false. The text starts with a newline, so it continues a block.
Usage: include "common.container.securityContext" .Values.namenode.containerSecurityContext | nindent 10
*/}}
{{- define "common.container.securityContext" -}}
{{- with (include "common.securityContext" .) }}
securityContext:
  {{- . | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
The "securityContext:" field of a pod spec from values, nothing when enabled is false. Same text as
common.container.securityContext, starting with a newline: a pod spec written at column 0 (a
chart's pod.common define) includes it as it is.
Usage: include "common.pod.securityContext" .Values.namenode.podSecurityContext
*/}}
{{- define "common.pod.securityContext" -}}
{{- include "common.container.securityContext" . -}}
{{- end -}}

{{/*
Probe timing fields from values without the "enabled" switch.
Usage: include "common.probe.timings" .Values.namenode.livenessProbe
*/}}
{{- define "common.probe.timings" -}}
{{- toYaml (omit . "enabled") -}}
{{- end -}}

{{/*
Renders a value that may contain templates (string or structure).
Usage: include "common.tplvalues.render" (dict "value" .Values.x "context" $)
*/}}
{{- define "common.tplvalues.render" -}}
{{- if typeIs "string" .value -}}
{{- tpl .value .context -}}
{{- else -}}
{{- tpl (.value | toYaml) .context -}}
{{- end -}}
{{- end -}}

{{/*
JVM options that size the heap from the container memory limit
(-XX:MaxRAMPercentage, JDK 10+), plus extra options.
Usage: include "common.jvm.opts" .Values.namenode.jvm
*/}}
{{- define "common.jvm.opts" -}}
{{- $opts := list (printf "-XX:MaxRAMPercentage=%v" .maxRAMPercentage) (printf "-XX:InitialRAMPercentage=%v" (div (int .maxRAMPercentage) 2)) "-XX:+ExitOnOutOfMemoryError" -}}
{{- with .extraOpts }}{{- $opts = append $opts . -}}{{- end -}}
{{- join " " $opts -}}
{{- end -}}
