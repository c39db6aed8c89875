{{/*
Worker pod template, shared by the StatefulSet (default) and the DaemonSet.
Tier directory <d> of level <l> is the volume "tier<l>-<d>" mounted at its path:
MEM on a RAM-backed emptyDir sized to its quota; SSD/HDD on a disk-backed
emptyDir, a hostPath, or a PVC template (StatefulSet only) - never in RAM.
*/}}
{{- define "alluxio.worker.podTemplate" -}}
{{- $v := .Values.worker -}}
{{- $jw := .Values.jobWorker -}}
{{- $sc := .Values.shortCircuit -}}
{{- $component := "worker" -}}
metadata:
  {{- include "alluxio.pod.metadata" (dict "values" $v "component" $component "context" .) | nindent 2 }}
spec:
  {{- include "alluxio.pod.common" (dict "values" $v "component" $component "context" .) | nindent 2 }}
  {{- if include "alluxio.worker.hostNetwork" . }}
  hostNetwork: true
  dnsPolicy: ClusterFirstWithHostNet
  {{- end }}
  initContainers:
    {{- $hostTiers := list -}}
    {{- range $l, $level := .Values.tieredStore.levels }}{{ range $d, $dir := $level.dirs }}
    {{- if eq (($dir.volume | default dict).type | default "emptyDir") "hostPath" }}{{ $hostTiers = append $hostTiers $dir.path }}{{ end }}
    {{- end }}{{ end }}
    {{- $hostSocket := $sc.enabled }}
    {{- if and $v.volumePermissions.enabled (or $hostTiers $hostSocket) }}
    # Opt-in (worker.volumePermissions.enabled): as root, give the worker's user the block folder of
    # each hostPath tier directory and the node's domain socket directory (nothing else).
    - name: volume-permissions
      image: {{ include "common.images.image" (dict "image" .Values.image "context" .) }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      command: ["bash", "-euo", "pipefail", "/opt/alluxio-scripts/worker-volume-permissions.sh"]
      env:
        - name: TIER_DIRS
          value: {{ join " " $hostTiers | quote }}
        - name: SOCKET_DIR
          value: {{ ternary $sc.mountPath "" $hostSocket | quote }}
        - name: WORKER_OWNER
          value: {{ printf "%v:%v" $v.containerSecurityContext.runAsUser $v.containerSecurityContext.runAsGroup | quote }}
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
          mountPath: /opt/alluxio-scripts
          readOnly: true
        {{- range $l, $level := .Values.tieredStore.levels }}{{ range $d, $dir := $level.dirs }}
        {{- if eq (($dir.volume | default dict).type | default "emptyDir") "hostPath" }}
        - name: {{ include "alluxio.tier.volumeName" (dict "level" $l "dir" $d) }}
          mountPath: {{ $dir.path }}
        {{- end }}
        {{- end }}{{ end }}
        {{- if $hostSocket }}
        - name: domain-socket
          mountPath: {{ $sc.mountPath }}
        {{- end }}
    {{- end }}
    {{- include "alluxio.initContainer.config" (dict "securityContext" $v.containerSecurityContext "context" .) | nindent 4 }}
  containers:
    - name: worker
      image: {{ include "common.images.image" (dict "image" .Values.image "context" .) }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      # worker-only --no-format: the image's plain "worker" wipes the tier directories on start.
      command: ["tini", "--", "/entrypoint.sh"]
      args: ["worker-only", "--no-format"]
      env:
        {{- include "alluxio.env.common" . | nindent 8 }}
        # The worker's identity is its stable address (see alluxio.worker.selfHost); locality
        # matches on the node name, so clients on the same node (alluxio.locality.node=<their
        # node>) prefer this worker without hostNetwork.
        - name: ALLUXIO_WORKER_JAVA_OPTS
          value: {{ printf "%s -Dalluxio.worker.hostname=%s -Dalluxio.worker.container.hostname=%s -Dalluxio.locality.node=$(NODE_NAME)%s" (include "alluxio.worker.jvmOpts" .) (include "alluxio.worker.selfHost" .) (include "alluxio.worker.selfHost" .) (include "alluxio.worker.tierJavaOpts" .) | quote }}
        {{- with $v.extraEnv }}
        {{- include "common.tplvalues.render" (dict "value" . "context" $) | nindent 8 }}
        {{- end }}
      ports:
        - name: rpc
          containerPort: {{ $v.ports.rpc }}
        - name: web
          containerPort: {{ $v.ports.web }}
      {{- if $v.livenessProbe.enabled }}
      livenessProbe:
        tcpSocket:
          port: rpc
        {{- include "common.probe.timings" $v.livenessProbe | nindent 8 }}
      {{- end }}
      {{- if $v.readinessProbe.enabled }}
      readinessProbe:
        tcpSocket:
          port: rpc
        {{- include "common.probe.timings" $v.readinessProbe | nindent 8 }}
      {{- end }}
      # The MEM tier quota is added to the memory request and limit (see _helpers.tpl).
      resources:
        {{- include "alluxio.worker.resources" . | nindent 8 }}
      {{- include "common.container.securityContext" $v.containerSecurityContext | nindent 6 }}
      volumeMounts:
        {{- include "alluxio.volumeMounts.common" . | nindent 8 }}
        {{- range $l, $level := .Values.tieredStore.levels }}
        {{- range $d, $dir := $level.dirs }}
        - name: {{ include "alluxio.tier.volumeName" (dict "level" $l "dir" $d) }}
          mountPath: {{ $dir.path }}
        {{- end }}
        {{- end }}
        {{- if $sc.enabled }}
        - name: domain-socket
          mountPath: {{ $sc.mountPath }}
        {{- end }}
        {{- with $v.extraVolumeMounts }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    - name: job-worker
      image: {{ include "common.images.image" (dict "image" .Values.image "context" .) }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      command: ["tini", "--", "/entrypoint.sh"]
      args: ["job-worker"]
      env:
        {{- include "alluxio.env.common" . | nindent 8 }}
        - name: ALLUXIO_JOB_WORKER_JAVA_OPTS
          value: {{ printf "%s -Dalluxio.job.worker.hostname=%s -Dalluxio.locality.node=$(NODE_NAME)" (include "common.jvm.opts" $jw.jvm) (include "alluxio.worker.selfHost" .) | quote }}
        {{- with $jw.extraEnv }}
        {{- include "common.tplvalues.render" (dict "value" . "context" $) | nindent 8 }}
        {{- end }}
      ports:
        - name: job-rpc
          containerPort: {{ $jw.ports.rpc }}
        - name: job-data
          containerPort: {{ $jw.ports.data }}
        - name: job-web
          containerPort: {{ $jw.ports.web }}
      {{- if $jw.livenessProbe.enabled }}
      livenessProbe:
        tcpSocket:
          port: job-rpc
        {{- include "common.probe.timings" $jw.livenessProbe | nindent 8 }}
      {{- end }}
      {{- if $jw.readinessProbe.enabled }}
      readinessProbe:
        tcpSocket:
          port: job-rpc
        {{- include "common.probe.timings" $jw.readinessProbe | nindent 8 }}
      {{- end }}
      resources:
        {{- toYaml $jw.resources | nindent 8 }}
      {{- include "common.container.securityContext" $v.containerSecurityContext | nindent 6 }}
      volumeMounts:
        {{- include "alluxio.volumeMounts.common" . | nindent 8 }}
  volumes:
    {{- include "alluxio.volumes.common" . | nindent 4 }}
    {{- range $l, $level := .Values.tieredStore.levels }}
    {{- range $d, $dir := $level.dirs }}
    {{- $vol := $dir.volume | default dict }}
    {{- $type := default "emptyDir" $vol.type }}
    {{- if eq $type "emptyDir" }}
    - name: {{ include "alluxio.tier.volumeName" (dict "level" $l "dir" $d) }}
      emptyDir:
        {{- if eq $level.alias "MEM" }}
        medium: Memory
        {{- end }}
        sizeLimit: {{ $dir.quota | quote }}
    {{- else if eq $type "hostPath" }}
    - name: {{ include "alluxio.tier.volumeName" (dict "level" $l "dir" $d) }}
      hostPath:
        path: {{ $vol.hostPath }}
        type: DirectoryOrCreate
    {{- end }}
    {{- end }}
    {{- end }}
    {{- if $sc.enabled }}
    # Domain sockets of this node's workers (uuid names keep several workers apart), in a node
    # directory that client and FUSE pods on the node mount too.
    - name: domain-socket
      hostPath:
        path: {{ $sc.hostPath }}
        type: DirectoryOrCreate
    {{- end }}
    {{- with $v.extraVolumes }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end -}}

{{/* volumeClaimTemplates entries of the pvc tier directories (StatefulSet). */}}
{{- define "alluxio.worker.claimTemplates" -}}
{{- range $l, $level := .Values.tieredStore.levels }}
{{- range $d, $dir := $level.dirs }}
{{- $vol := $dir.volume | default dict }}
{{- if eq (default "emptyDir" $vol.type) "pvc" }}
{{- $p := dict "accessModes" (list "ReadWriteOnce") "size" (default $dir.quota $vol.size) "storageClass" ($vol.storageClass | default "") "annotations" dict }}
{{ include "common.storage.claimTemplate" (dict "name" (include "alluxio.tier.volumeName" (dict "level" $l "dir" $d)) "persistence" $p "component" "worker" "context" $) }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
checkov skips of the worker workload (see common.checkov.skipAnnotations): with
worker.hostNetwork a worker runs in its node's network namespace on purpose.
*/}}
{{- define "alluxio.worker.checkovSkips" -}}
{{- if and .Values.worker.volumePermissions.enabled .Values.shortCircuit.enabled (eq .Values.shortCircuit.volumeType "hostPath") }}
CKV_K8S_25: "opt-in worker.volumePermissions: a root init container with CHOWN and FOWNER only gives the worker's user the node directories the kubelet created root-owned (hostPath tiers, the domain socket directory); it changes nothing else"
{{- end }}
{{- if include "alluxio.worker.hostNetwork" . }}
CKV_K8S_19: "opt-in worker.hostNetwork: a worker takes its node's address so clients on that node find it as node-local (locality) without the pod network"
CKV2_K8S_6: "opt-in worker.hostNetwork: NetworkPolicies do not apply to host-network pods, so none is rendered for workers; the master policy admits them by their nodes' CIDRs"
{{- end }}
{{- end -}}
