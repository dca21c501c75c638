{{/* Chart name, overridable. */}}
{{- define "relais.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Prefix of every object name: "<release>-<chart>", or the release name when it holds the chart name. */}}
{{- define "relais.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 50 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Cluster-scoped objects carry the release namespace too: two releases in two namespaces must not share them. */}}
{{- define "relais.clusterName" -}}
{{- printf "%s-%s" .Release.Namespace (include "relais.fullname" .) | trunc 253 | trimSuffix "-" }}
{{- end }}

{{- define "relais.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "relais.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: relais
{{- end }}

{{/* Selector labels of one component: call with (dict "ctx" . "component" "operator"). */}}
{{- define "relais.selectorLabels" -}}
app.kubernetes.io/name: {{ include "relais.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "relais.componentLabels" -}}
{{ include "relais.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "relais.operatorServiceAccount" -}}
{{- default (printf "%s-operator" (include "relais.fullname" .)) .Values.operator.serviceAccount.name }}
{{- end }}

{{- define "relais.agentServiceAccount" -}}
{{- default (printf "%s-agent" (include "relais.fullname" .)) .Values.agent.serviceAccount.name }}
{{- end }}

{{/* An image reference: call with (dict "ctx" . "repository" REPO). */}}
{{- define "relais.image" -}}
{{- $tag := default .ctx.Chart.AppVersion .ctx.Values.image.tag }}
{{- if .ctx.Values.image.registry }}
{{- printf "%s/%s:%s" .ctx.Values.image.registry .repository $tag }}
{{- else }}
{{- printf "%s:%s" .repository $tag }}
{{- end }}
{{- end }}

{{- define "relais.pullSecrets" -}}
{{- with .Values.image.pullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end }}
