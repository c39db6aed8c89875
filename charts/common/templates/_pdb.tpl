{{/*
A PodDisruptionBudget for one component, from its pdb values
{create, minAvailable, maxUnavailable} (maxUnavailable wins when both are set).
Usage: include "common.pdb" (dict "values" .Values.namenode.pdb "component" "namenode" "context" $)
*/}}
{{- define "common.pdb" -}}
{{- if .values.create }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  {{- include "common.metadata" (dict "name" (include "common.names.component" (dict "component" .component "context" .context)) "component" .component "context" .context) | nindent 2 }}
spec:
  {{- if not (kindIs "invalid" .values.maxUnavailable) }}
  maxUnavailable: {{ .values.maxUnavailable }}
  {{- else }}
  minAvailable: {{ .values.minAvailable }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "common.labels.matchLabels" (dict "component" .component "context" .context) | nindent 6 }}
{{- end }}
{{- end -}}
