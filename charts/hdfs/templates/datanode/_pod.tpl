{{/*
DataNode pod template, shared by the StatefulSet (PVC disks) and the DaemonSet
(hostPath disks). Volumes are mounted at /hadoop/dfs/data<i> in both modes; the DataNode's data
directories are the folder "data" inside each (hdfs.datanode.dataDirs).
*/}}
{{- define "hdfs.datanode.podTemplate" -}}
{{- $v := .Values.datanode -}}
{{- $component := "datanode" -}}
{{- $hostNetwork := include "common.locality.hostNetwork" (dict "value" $v.hostNetwork "context" .) -}}
metadata:
  {{- include "hdfs.pod.metadata" (dict "values" $v "component" $component "context" .) | nindent 2 }}
spec:
  {{- include "hdfs.pod.common" (dict "values" $v "component" $component "context" .) | nindent 2 }}
  enableServiceLinks: false
  {{- if $hostNetwork }}
  hostNetwork: true
  dnsPolicy: ClusterFirstWithHostNet
  {{- end }}
  initContainers:
    {{- if $v.volumePermissions.enabled }}
    # Opt-in (datanode.volumePermissions.enabled): as root, create the "data" folder of each volume and
    # give it to the DataNode's user, mode 700. Only that folder, never the volume or anything else on it.
    - name: volume-permissions
      image: {{ include "common.images.image" (dict "image" .Values.image "context" .) }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      command: ["bash", "-euo", "pipefail", "/opt/hdfs-scripts/datanode-volume-permissions.sh"]
      env:
        - name: DATANODE_DATA_DIRS
          value: {{ include "hdfs.datanode.dataDirs" . | quote }}
        - name: DATANODE_OWNER
          value: {{ include "hdfs.datanode.owner" . | quote }}
      resources:
        {{- toYaml $v.volumePermissions.resources | nindent 8 }}
      securityContext:
        runAsUser: 0
        runAsGroup: 0
        runAsNonRoot: false
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities:
          drop: ["ALL"]
          add: ["CHOWN", "FOWNER"]
      volumeMounts:
        - name: scripts
          mountPath: /opt/hdfs-scripts
          readOnly: true
        {{- range $i := until (int (include "hdfs.datanode.volumeCount" .)) }}
        - name: data{{ $i }}
          mountPath: /hadoop/dfs/data{{ $i }}
        {{- end }}
    {{- end }}
    - name: wait-for-namenode
      image: {{ include "common.images.image" (dict "image" .Values.image "context" .) }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      command: ["bash", "-euo", "pipefail", "/opt/hdfs-scripts/datanode-wait.sh"]
      env:
        {{- include "hdfs.env.common" . | nindent 8 }}
        - name: NAMENODE_RPC_ADDRESSES
          value: {{ include "hdfs.namenode.rpcAddresses" . | quote }}
        - name: DATANODE_DATA_DIRS
          value: {{ include "hdfs.datanode.dataDirs" . | quote }}
      resources:
        {{- toYaml $v.wait.resources | nindent 8 }}
      {{- include "common.container.securityContext" $v.containerSecurityContext | nindent 6 }}
      volumeMounts:
        {{- include "hdfs.volumeMounts.common" . | nindent 8 }}
        {{- range $i := until (int (include "hdfs.datanode.volumeCount" .)) }}
        - name: data{{ $i }}
          mountPath: /hadoop/dfs/data{{ $i }}
        {{- end }}
  containers:
    - name: datanode
      image: {{ include "common.images.image" (dict "image" .Values.image "context" .) }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      command: ["/opt/hadoop/bin/hdfs", "datanode"]
      {{- if $hostNetwork }}
      # In its node's network namespace a DataNode names itself by the node's IP (dfs.datanode.hostname,
      # a generic -D option the DataNode parses), the host string block locations carry: Spark
      # workers and Alluxio workers on the node use the same (locality), and it needs no node DNS.
      args: ["-Ddfs.datanode.hostname=$(NODE_IP)"]
      {{- end }}
      env:
        {{- include "hdfs.env.common" . | nindent 8 }}
        {{- if $hostNetwork }}
        - name: NODE_IP
          valueFrom:
            fieldRef:
              fieldPath: status.hostIP
        {{- end }}
        - name: HDFS_DATANODE_OPTS
          value: {{ include "common.jvm.opts" $v.jvm | quote }}
        {{- with (include "hdfs.security.env" (dict "primary" .Values.security.kerberos.principals.hdfs "headless" (ternary "" (include "hdfs.datanode.headless" .) (eq $v.kind "DaemonSet")) "hostFromNode" (eq $v.kind "DaemonSet") "context" .)) }}
        {{- . | nindent 8 }}
        {{- end }}
        {{- with $v.extraEnv }}
        {{- include "common.tplvalues.render" (dict "value" . "context" $) | nindent 8 }}
        {{- end }}
      ports:
        - name: data
          containerPort: {{ $v.ports.data }}
        {{- if .Values.security.tls.enabled }}
        - name: https
          containerPort: {{ $v.ports.https }}
        {{- else }}
        - name: http
          containerPort: {{ $v.ports.http }}
        {{- end }}
        - name: ipc
          containerPort: {{ $v.ports.ipc }}
      {{- if $v.livenessProbe.enabled }}
      livenessProbe:
        {{- include "hdfs.probe.web" . | nindent 8 }}
        {{- include "common.probe.timings" $v.livenessProbe | nindent 8 }}
      {{- end }}
      {{- if $v.readinessProbe.enabled }}
      # Ready when the block transfer port accepts connections.
      readinessProbe:
        tcpSocket:
          port: data
        {{- include "common.probe.timings" $v.readinessProbe | nindent 8 }}
      {{- end }}
      resources:
        {{- toYaml $v.resources | nindent 8 }}
      {{- include "common.container.securityContext" $v.containerSecurityContext | nindent 6 }}
      volumeMounts:
        {{- include "hdfs.volumeMounts.common" . | nindent 8 }}
        {{- range $i := until (int (include "hdfs.datanode.volumeCount" .)) }}
        - name: data{{ $i }}
          mountPath: /hadoop/dfs/data{{ $i }}
        {{- end }}
        {{- with $v.extraVolumeMounts }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
  volumes:
    {{- include "hdfs.volumes.common" . | nindent 4 }}
    {{- if eq $v.kind "DaemonSet" }}
    {{- range $i, $dir := $v.hostPath.dirs }}
    - name: data{{ $i }}
      hostPath:
        path: {{ $dir }}
        type: {{ $v.hostPath.type }}
    {{- end }}
    {{- else if not $v.persistence.enabled }}
    {{- range $i := until (int $v.persistence.volumeCount) }}
    - name: data{{ $i }}
      emptyDir: {}
    {{- end }}
    {{- end }}
    {{- with $v.extraVolumes }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end -}}

{{/*
checkov skips of the DataNode workload (see common.checkov.skipAnnotations): with
datanode.hostNetwork a DataNode runs in its node's network namespace on purpose.
*/}}
{{- define "hdfs.datanode.checkovSkips" -}}
{{- if .Values.datanode.volumePermissions.enabled }}
CKV_K8S_25: "opt-in datanode.volumePermissions: a root init container with CHOWN and FOWNER only gives the DataNode the data folder of each hostPath directory the kubelet created root-owned; it changes nothing else"
{{- end }}
{{- if include "common.locality.hostNetwork" (dict "value" .Values.datanode.hostNetwork "context" .) }}
CKV_K8S_19: "opt-in datanode.hostNetwork: a DataNode takes its node's address so HDFS clients and Spark executors on that node get node-local reads (data locality)"
CKV2_K8S_6: "opt-in datanode.hostNetwork: NetworkPolicies do not apply to host-network pods, so none is rendered for DataNodes; the NameNode policy admits them by their nodes' CIDRs"
{{- end }}
{{- end -}}
