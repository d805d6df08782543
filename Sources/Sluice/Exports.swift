// The engine's public vocabulary (ids, Source/Sink protocols, StatefulLogic,
// errors, RunConfiguration) is part of Sluice's API: `import Sluice` is enough.
@_exported import SluiceEngine
