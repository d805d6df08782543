/// The version `sluice --version` prints.
let sluiceVersion = "0.1.0"
