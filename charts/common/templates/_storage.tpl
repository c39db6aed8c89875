{{/*
storageClassName line for a persistence block: persistence.storageClass wins
over global.storageClass; "-" means the empty class (no dynamic provisioning).
Usage: include "common.storage.class" (dict "persistence" .Values.x.persistence "context" $)
*/}}
{{- define "common.storage.class" -}}
{{- $global := .context.Values.global | default dict -}}
{{- $class := default $global.storageClass .persistence.storageClass -}}
{{- if $class -}}
{{- if eq "-" $class -}}
storageClassName: ""
{{- else -}}
storageClassName: {{ $class | quote }}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
One volumeClaimTemplates entry.
Usage: include "common.storage.claimTemplate" (dict "name" "data" "persistence" .Values.x.persistence "component" "x" "context" $)
*/}}
{{- define "common.storage.claimTemplate" -}}
- apiVersion: v1
  kind: PersistentVolumeClaim
  metadata:
    name: {{ .name }}
    labels:
      {{- include "common.labels.matchLabels" (dict "component" .component "context" .context) | nindent 6 }}
    {{- with .persistence.annotations }}
    annotations:
      {{- toYaml . | nindent 6 }}
    {{- end }}
  spec:
    accessModes:
      {{- toYaml .persistence.accessModes | nindent 6 }}
    {{- include "common.storage.class" (dict "persistence" .persistence "context" .context) | nindent 4 }}
    resources:
      requests:
        storage: {{ .persistence.size | quote }}
{{- end -}}

{{/*
StatefulSet PVC retention: keep volumes when the StatefulSet is deleted or
scaled down, so data is never lost by an uninstall or a scale-in.
*/}}
{{- define "common.storage.retentionPolicy" -}}
persistentVolumeClaimRetentionPolicy:
  whenDeleted: Retain
  whenScaled: Retain
{{- end -}}
