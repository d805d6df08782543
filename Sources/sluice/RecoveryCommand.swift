import ArgumentParser

/// `sluice recovery`: tools for a recovery directory (`init`, `inspect`, `check`)
/// and its backups (`backup-list`, `restore`).
///
/// ```
/// $ sluice recovery init /var/lib/job/recovery --partitions 8
/// $ sluice recovery inspect /var/lib/job/recovery
/// $ sluice recovery check /var/lib/job/recovery && echo sound
/// ```
struct RecoveryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recovery",
        abstract: "Creates, inspects and checks recovery directories.",
        discussion: """
            A recovery directory holds a dataflow's snapshots in partition files \
            (part-0.sqlite, part-1.sqlite, ...). A dataflow run with -r DIR (or \
            SLUICE_RECOVERY_DIRECTORY) writes each epoch's snapshot there and, when \
            restarted, resumes from the last epoch every worker committed. A run \
            given a directory without a store creates one (4 partition files); \
            `init` creates it ahead, with the partition count you choose, and the \
            first run claims it for its dataflow.

            Old snapshot data is deleted as the run goes on: a key's superseded \
            version goes once a newer one is at or before the committed epoch minus \
            the backup interval (-b/--backup-interval seconds, SLUICE_BACKUP_INTERVAL, \
            rounded up to whole epochs; default 0). Raise it to at least how far \
            copies of the files, made one by one, can lag behind one another.

            `inspect` and `check` open the files read-only: they are safe on a \
            store in use. `backup-list` and `restore` read backups made by runs \
            with --backup-url s3://bucket/prefix (see docs/backup.md).
            """,
        subcommands: [RecoveryInit.self, RecoveryInspect.self, RecoveryCheck.self, RecoveryBackupList.self, RecoveryRestore.self]
    )
}
