// `import Sluice` brings everything a program that runs dataflows needs: the
// core API (SluiceCore, SluiceEngine's vocabulary), the cluster
// configuration, and (in this module) the command-line options, cliMain,
// the signal handling and running as a cluster. A program that only runs
// in-process dataflows can import the lighter `SluiceCore` instead.
@_exported import SluiceCluster
@_exported import SluiceCore
@_exported import SluiceEngine
@_exported import SluiceMonitor
