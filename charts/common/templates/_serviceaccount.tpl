{{/*
Name of the chart's ServiceAccount: serviceAccount.name, else the release fullname when the chart
creates it (serviceAccount.create), else "default" (the namespace's own).
The argument is the chart context, or a dict with "context" and optionally "serviceAccount" (the
values block, .Values.serviceAccount of the context when left out).
Usage: include "common.serviceAccount.name" $
       include "common.serviceAccount.name" (dict "serviceAccount" .Values.serviceAccount "context" $)
*/}}
{{- define "common.serviceAccount.name" -}}
{{- $ctx := ternary .context . (hasKey . "context") -}}
{{- $sa := ternary .serviceAccount $ctx.Values.serviceAccount (hasKey . "serviceAccount") -}}
{{- if $sa.create -}}
{{- default (include "common.names.fullname" $ctx) $sa.name -}}
{{- else -}}
{{- default "default" $sa.name -}}
{{- end -}}
{{- end -}}

{{/*
The chart's ServiceAccount object, when serviceAccount.create: named by common.serviceAccount.name,
with serviceAccount.annotations (plus commonAnnotations) and serviceAccount.automountServiceAccountToken.
Values block: {create, name, annotations, automountServiceAccountToken}. Arguments as for
common.serviceAccount.name. A chart's templates/serviceaccount.yaml is this one include.
Usage: include "common.serviceAccount" $
       include "common.serviceAccount" (dict "serviceAccount" .Values.serviceAccount "context" $)
*/}}
{{- define "common.serviceAccount" -}}
{{- $ctx := ternary .context . (hasKey . "context") -}}
{{- $sa := ternary .serviceAccount $ctx.Values.serviceAccount (hasKey . "serviceAccount") -}}
{{- if $sa.create }}
apiVersion: v1
kind: ServiceAccount
metadata:
  {{- include "common.metadata" (dict "name" (include "common.serviceAccount.name" (dict "serviceAccount" $sa "context" $ctx)) "annotations" $sa.annotations "context" $ctx) | nindent 2 }}
automountServiceAccountToken: {{ $sa.automountServiceAccountToken }}
{{- end }}
{{- end -}}
