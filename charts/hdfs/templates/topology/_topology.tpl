{{/*
Rack awareness (rackAwareness.enabled): names and the NameNode pod parts of the topology-mapper
sidecar. The sidecar writes /var/run/hdfs-topology/topology.map (files/topology/mapper.py); the
NameNode container reads it through files/scripts/topology.sh.
*/}}

{{- define "hdfs.topology.name" -}}{{ printf "%s-topology" (include "hdfs.fullname" .) }}{{- end -}}

{{/* Cluster-scoped objects: namespace and release in the name, so two releases never collide. */}}
{{- define "hdfs.topology.clusterName" -}}
{{- printf "%s-%s-topology" (include "common.names.namespace" .) (include "hdfs.fullname" .) -}}
{{- end -}}

{{- define "hdfs.topology.mapFile" -}}/var/run/hdfs-topology/topology.map{{- end -}}

{{/* core-site.xml properties of the topology script. */}}
{{- define "hdfs.topology.coreSite" -}}
net.topology.script.file.name: /opt/hdfs-scripts/topology.sh
net.topology.script.number.args: 100
{{- end -}}

{{/* Environment of the NameNode container (the JVM runs topology.sh with it). */}}
{{- define "hdfs.topology.namenodeEnv" -}}
{{- if .Values.rackAwareness.enabled -}}
- name: TOPOLOGY_MAP_FILE
  value: {{ include "hdfs.topology.mapFile" . }}
{{- end }}
{{- end -}}

{{/* The map, read-only, in the NameNode container. */}}
{{- define "hdfs.topology.namenodeMounts" -}}
{{- if .Values.rackAwareness.enabled -}}
- name: hdfs-topology
  mountPath: /var/run/hdfs-topology
  readOnly: true
{{- end }}
{{- end -}}

{{/* The sidecar container. */}}
{{- define "hdfs.topology.container" -}}
{{- if .Values.rackAwareness.enabled -}}
{{- $r := .Values.rackAwareness -}}
# Writes the address -> /<zone>/<node> map from the Kubernetes API every refreshSeconds.
# The only container of the chart with an API token (read-only: pods, nodes).
- name: topology-mapper
  image: {{ include "common.images.image" (dict "image" $r.image "context" .) }}
  imagePullPolicy: {{ $r.image.pullPolicy }}
  command: ["python3", "/opt/hdfs-topology/mapper.py"]
  env:
    - name: POD_NAMESPACE
      valueFrom:
        fieldRef:
          fieldPath: metadata.namespace
    - name: ZONE_LABEL
      value: {{ $r.zoneLabel | quote }}
    - name: REFRESH_SECONDS
      value: {{ $r.refreshSeconds | quote }}
    - name: TOPOLOGY_MAP_FILE
      value: {{ include "hdfs.topology.mapFile" . }}
    - name: PYTHONDONTWRITEBYTECODE
      value: "1"
  # Alive while the map is refreshed: younger than three refresh periods.
  livenessProbe:
    exec:
      command: ["python3", "/opt/hdfs-topology/mapper.py", "--check", {{ mul 3 (int $r.refreshSeconds) | quote }}]
    initialDelaySeconds: 30
    periodSeconds: 30
    timeoutSeconds: 10
    failureThreshold: 3
  # Ready once a map exists, so the NameNode does not serve before racks are known.
  readinessProbe:
    exec:
      command: ["python3", "/opt/hdfs-topology/mapper.py", "--check", "0"]
    periodSeconds: 5
    timeoutSeconds: 10
    failureThreshold: 3
  resources:
    {{- toYaml $r.resources | nindent 4 }}
  securityContext:
    runAsUser: 1000
    runAsGroup: 100
    runAsNonRoot: true
    allowPrivilegeEscalation: false
    readOnlyRootFilesystem: true
    capabilities:
      drop: ["ALL"]
    seccompProfile:
      type: RuntimeDefault
  volumeMounts:
    - name: hdfs-topology
      mountPath: /var/run/hdfs-topology
    - name: topology-mapper
      mountPath: /opt/hdfs-topology
      readOnly: true
    # The pod does not automount the ServiceAccount token; this container alone gets it.
    - name: topology-api-token
      mountPath: /var/run/secrets/kubernetes.io/serviceaccount
      readOnly: true
{{- end }}
{{- end -}}

{{/* Pod volumes: the shared map, the program and the sidecar's token (like the default token volume). */}}
{{- define "hdfs.topology.volumes" -}}
{{- if .Values.rackAwareness.enabled -}}
- name: hdfs-topology
  emptyDir:
    sizeLimit: 16Mi
- name: topology-mapper
  configMap:
    name: {{ include "hdfs.topology.name" . }}
    defaultMode: 0444
- name: topology-api-token
  projected:
    defaultMode: 0444
    sources:
      - serviceAccountToken:
          path: token
          expirationSeconds: 3607
      - configMap:
          name: kube-root-ca.crt
          items:
            - key: ca.crt
              path: ca.crt
      - downwardAPI:
          items:
            - path: namespace
              fieldRef:
                apiVersion: v1
                fieldPath: metadata.namespace
{{- end }}
{{- end -}}
