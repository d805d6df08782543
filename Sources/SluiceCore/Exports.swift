// The engine's public vocabulary (ids, Source/Sink protocols, StatefulLogic,
// errors, RunConfiguration, StopSignal) is part of the core API:
// `import SluiceCore` is enough for an in-process dataflow.
@_exported import SluiceEngine
