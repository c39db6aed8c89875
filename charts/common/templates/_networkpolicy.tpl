{{/*
NetworkPolicies (ingress only; egress, DNS included, is never restricted by these charts).

Each component of a chart renders its own policy with common.networkPolicy: its pods accept, per
port, only the peers listed in its rules. Rules are built from the peer helpers below:
- common.networkPolicy.peer.components: pods of this release and chart with one of the components;
- common.networkPolicy.rule.clients: the chart's client ports, open to pods labelled
  "<fullname>-client: true" (common.networkPolicy.clientLabel), the chart's helm test pod and
  networkPolicy.extraIngress peers, or to every source when networkPolicy.allowExternal is true;
- common.networkPolicy.rule.ingressController: a UI port open to the ingress controller's
  namespace (networkPolicy.ingressNamespaceSelector) when that UI has an Ingress.
Ports are container port names (resolved on each selected pod) or numbers.
*/}}

{{/*
NetworkPolicy of one component.
Usage: include "common.networkPolicy" (dict "component" "namenode" "rules" $rules "context" $)
  rules: list of YAML texts, each a list of NetworkPolicyIngressRule; empty texts are skipped
  (no rule at all: the pods accept no traffic).
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
  {{- $rules := list }}
  {{- range .rules }}{{ with trim . }}{{ $rules = append $rules . }}{{ end }}{{ end }}
  {{- if $rules }}
  ingress:
    {{- join "\n" $rules | nindent 4 }}
  {{- else }}
  ingress: []
  {{- end }}
{{- end -}}

{{/* Label key that marks a pod as a client of this chart: "<fullname>-client" (value "true"). */}}
{{- define "common.networkPolicy.clientLabel" -}}
{{- printf "%s-client" (include "common.names.fullname" .) -}}
{{- end -}}

{{/*
Peer (one list item) matching the pods of this release and chart whose component is in the list.
Usage: include "common.networkPolicy.peer.components" (dict "components" (list "namenode" "datanode") "context" $)
*/}}
{{- define "common.networkPolicy.peer.components" -}}
- podSelector:
    matchLabels:
      app.kubernetes.io/name: {{ include "common.names.name" .context }}
      app.kubernetes.io/instance: {{ .context.Release.Name }}
    matchExpressions:
      - key: app.kubernetes.io/component
        operator: In
        values:
          {{- range .components }}
          - {{ . }}
          {{- end }}
{{- end -}}

{{/*
Port list items (TCP): a container port name, a number, or a range (dict "port" 4040 "endPort" 4056).
Usage: include "common.networkPolicy.ports" (list "rpc" 8020)
*/}}
{{- define "common.networkPolicy.ports" -}}
{{- range . }}
{{- if kindIs "map" . }}
- port: {{ .port }}
  endPort: {{ .endPort }}
  protocol: TCP
{{- else }}
- port: {{ . }}
  protocol: TCP
{{- end }}
{{- end }}
{{- end -}}

{{/*
Rule: the listed ports accept the listed peers (peers: YAML text of a NetworkPolicyPeer list).
Usage: include "common.networkPolicy.rule" (dict "ports" (list "rpc") "peers" $peers)
*/}}
{{- define "common.networkPolicy.rule" -}}
- ports:
    {{- include "common.networkPolicy.ports" .ports | trim | nindent 4 }}
  from:
    {{- trim .peers | nindent 4 }}
{{- end -}}

{{/*
Rule of the client ports: pods labelled "<fullname>-client: true", the chart's helm test pod,
networkPolicy.extraIngress and the extra peers given, and in locality mode the node CIDRs
(common.networkPolicy.nodeCIDRs); every source when networkPolicy.allowExternal, or in locality mode
without node CIDRs.
An empty ports list means every port.
Usage: include "common.networkPolicy.rule.clients" (dict "ports" (list "rpc" "http") "peers" $extraPeers "context" $)
*/}}
{{- define "common.networkPolicy.rule.clients" -}}
{{- $np := .context.Values.networkPolicy -}}
{{- $from := "" -}}
{{- if not $np.allowExternal -}}
{{- $from = printf "- podSelector:\n    matchLabels:\n      %s: \"true\"" (include "common.networkPolicy.clientLabel" .context) -}}
{{- if .context.Values.tests.enabled -}}
{{- $from = printf "%s\n%s" $from (include "common.networkPolicy.peer.components" (dict "components" (list "test") "context" .context)) -}}
{{- end -}}
{{- with .peers }}{{ $from = printf "%s\n%s" $from (trim .) }}{{ end -}}
{{- with $np.extraIngress }}{{ $from = printf "%s\n%s" $from (toYaml . | trim) }}{{ end -}}
{{- if include "common.locality.enabled" .context -}}
{{- /* Locality mode: the stack's host-network pods (executors, Alluxio workers, DataNodes) are clients
       too, seen from their nodes' addresses (common.networkPolicy.rule.nodes); no node CIDRs: any source. */ -}}
{{- $cidrs := include "common.networkPolicy.nodeCIDRs" .context | fromYamlArray -}}
{{- range $cidrs }}{{ $from = printf "%s\n- ipBlock:\n    cidr: %s" $from . }}{{ end -}}
{{- if not $cidrs }}{{ $from = "" }}{{ end -}}
{{- end -}}
{{- end -}}
{{- if .ports }}
- ports:
    {{- include "common.networkPolicy.ports" .ports | trim | nindent 4 }}
  {{- with $from }}
  from:
    {{- . | nindent 4 }}
  {{- end }}
{{- else if $from }}
- from:
    {{- $from | nindent 4 }}
{{- else }}
- {}
{{- end }}
{{- end -}}

{{/*
Rule of a web UI published by an Ingress: its port accepts the ingress controller's pods (every
pod of the namespaces matching networkPolicy.ingressNamespaceSelector). Renders nothing when
"enabled" (the UI's ingress.enabled) is false.
Usage: include "common.networkPolicy.rule.ingressController" (dict "enabled" .Values.x.ingress.enabled "ports" (list "http") "context" $)
*/}}
{{- define "common.networkPolicy.rule.ingressController" -}}
{{- if .enabled }}
- ports:
    {{- include "common.networkPolicy.ports" .ports | trim | nindent 4 }}
  from:
    - namespaceSelector:
        {{- toYaml .context.Values.networkPolicy.ingressNamespaceSelector | nindent 8 }}
{{- end }}
{{- end -}}
