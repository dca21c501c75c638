-- Argo CD health check for relais.dev/RouterCluster (resource.customizations.health.relais.dev_RouterCluster
-- in argocd-cm; docs/design/chart.md). Built on the operator's conditions, in this order:
--   no status yet, or status of an older generation       -> Progressing
--   ConfigInvalid, Conflict, Stalled or SplitBrain True    -> Degraded (a person must act)
--   Ready True                                             -> Healthy (a Degraded=True router,
--                                                             e.g. one powered off, is named in
--                                                             the message: the VIP is served)
--   Ready False because no router holds a group (NoOwner)  -> Degraded (the VIP is down)
--   anything else (rollout, key rotation, contested owner) -> Progressing
-- Lua 5.1, as Argo CD's gopher-lua.
local hs = {}

local function condition(conditions, type)
  for _, c in ipairs(conditions) do
    if c.type == type then
      return c
    end
  end
  return nil
end

local function isTrue(c)
  return c ~= nil and c.status == "True"
end

local function describe(c)
  if c.message ~= nil and c.message ~= "" then
    return c.type .. ": " .. c.message
  end
  return c.type .. ": " .. (c.reason or "")
end

if obj.status == nil or obj.status.conditions == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to report status"
  return hs
end
if obj.metadata ~= nil and obj.metadata.generation ~= nil and
    (obj.status.observedGeneration == nil or obj.status.observedGeneration < obj.metadata.generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. obj.metadata.generation
  return hs
end

local conditions = obj.status.conditions
for _, type in ipairs({ "ConfigInvalid", "Conflict", "Stalled", "SplitBrain" }) do
  local c = condition(conditions, type)
  if isTrue(c) then
    hs.status = "Degraded"
    hs.message = describe(c)
    return hs
  end
end

local ready = condition(conditions, "Ready")
if isTrue(ready) then
  hs.status = "Healthy"
  hs.message = describe(ready)
  local degraded = condition(conditions, "Degraded")
  if isTrue(degraded) then
    hs.message = hs.message .. "; " .. describe(degraded)
  end
  return hs
end
if ready ~= nil and ready.status == "False" and ready.reason == "NoOwner" then
  hs.status = "Degraded"
  hs.message = describe(ready)
  return hs
end

hs.status = "Progressing"
if ready ~= nil then
  hs.message = describe(ready)
else
  hs.message = "Waiting for the Ready condition"
end
return hs
