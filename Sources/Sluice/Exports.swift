// The engine's public vocabulary (ids, Source/Sink protocols, StatefulLogic,
// errors, RunConfiguration) and the cluster configuration are part of
// Sluice's API: `import Sluice` is enough.
@_exported import SluiceEngine
@_exported import SluiceCluster
