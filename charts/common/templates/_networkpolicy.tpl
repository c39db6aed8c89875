{{/*
NetworkPolicy of one component:
- pods of the same release may reach every port of the component;
- client ports (list of port numbers) are open to pods labelled
  "<fullname>-client: true", to extra peers, or to everyone when allowExternal.
Usage: include "common.networkPolicy" (dict "component" "namenode" "clientPorts" (list 8020 9870)
         "allowExternal" true "extraIngress" list "context" $)
*/}}
{{- define "common.networkPolicy" -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  {{- include "common.metadata" (dict "name" (include "common.names.component" (dict "component" .component "context" .context)) "component" .component "context" .context) | nindent 2 }}
spec:
  podSelector:
    matchLabels:
      {{- include "common.labels.matchLabels" (dict "component" .component "context" .context) | nindent 6 }}
  policyTypes:
    - Ingress
  ingress:
    - from:
        - podSelector:
            matchLabels:
              app.kubernetes.io/instance: {{ .context.Release.Name }}
    {{- if .clientPorts }}
    - ports:
        {{- range .clientPorts }}
        - port: {{ . }}
          protocol: TCP
        {{- end }}
      {{- if not .allowExternal }}
      from:
        - podSelector:
            matchLabels:
              {{ printf "%s-client" (include "common.names.fullname" .context) }}: "true"
        {{- with .extraIngress }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- end }}
    {{- end }}
{{- end -}}
