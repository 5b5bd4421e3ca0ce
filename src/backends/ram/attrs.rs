//! Owner, access time and status-change time of `ram` nodes, and how they show in
//! [`Posix`]: ctime moves on every change of content, permissions, owner, times or name.

use std::time::SystemTime;

use crate::vfs::{MetaChange, Posix};

/// Owner, access time and last status change of a node (`None`: the defaults of
/// [`Posix`]).
#[derive(Clone, Copy, Default)]
pub(super) struct Attrs {
    uid: Option<u32>,
    gid: Option<u32>,
    atime: Option<SystemTime>,
    ctime: Option<SystemTime>,
}

impl Attrs {
    /// The status changed now (permissions, owner, times, name).
    pub(super) fn changed(&mut self) {
        self.ctime = Some(crate::vfs::now());
    }

    /// As [`Posix`]: a content change (a newer mtime) is a status change too.
    pub(super) fn posix(&self, mtime: SystemTime, nlink: u32) -> Posix {
        Posix {
            uid: self.uid,
            gid: self.gid,
            atime: self.atime,
            ctime: Some(self.ctime.map_or(mtime, |c| c.max(mtime))),
            nlink: Some(nlink),
            special: None,
            file_id: None,
            blocks: None,
        }
    }

    /// The owning group, if set.
    pub(super) fn gid(&self) -> Option<u32> {
        self.gid
    }

    /// Sets the owning group (inherited from a set-group-ID directory).
    pub(super) fn set_gid(&mut self, gid: Option<u32>) {
        self.gid = gid;
    }

    /// Applies a `chown`/atime change; the status changes with it.
    pub(super) fn apply(&mut self, change: MetaChange) {
        if change.uid.is_some() {
            self.uid = change.uid;
        }
        if change.gid.is_some() {
            self.gid = change.gid;
        }
        if change.atime.is_some() {
            self.atime = change.atime;
        }
        self.changed();
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use crate::backends::ram::RamBackend;
    use crate::vfs::{Backend, MetaChange, PutData, VPath};

    fn p(s: &str) -> VPath {
        VPath::parse(s).unwrap()
    }

    #[tokio::test]
    async fn owner_atime_ctime_and_directory_links() {
        let b = RamBackend::new();
        b.put(&p("/f"), PutData::Bytes(b"x".to_vec().into()))
            .await
            .unwrap();
        b.mkdir(&p("/d")).await.unwrap();
        b.mkdir(&p("/d/a")).await.unwrap();
        b.mkdir(&p("/d/b")).await.unwrap();
        let old = UNIX_EPOCH + Duration::from_secs(10);
        b.set_times(&p("/f"), old).await.unwrap();
        let change = MetaChange {
            uid: Some(7),
            gid: Some(8),
            atime: Some(UNIX_EPOCH + Duration::from_secs(5)),
        };
        b.set_attrs(&p("/f"), change).await.unwrap();
        let m = b.stat(&p("/f")).await.unwrap();
        assert_eq!((m.posix.uid, m.posix.gid), (Some(7), Some(8)));
        assert_eq!(m.posix.atime, Some(UNIX_EPOCH + Duration::from_secs(5)));
        assert_eq!(m.mtime, old);
        assert!(m.posix.ctime.unwrap() > old, "ctime moves with the change");
        assert_eq!(m.posix.nlink, Some(1));
        assert_eq!(b.stat(&p("/d")).await.unwrap().posix.nlink, Some(4));
        // A group change alone keeps the owner.
        let gid_only = MetaChange {
            gid: Some(9),
            ..MetaChange::default()
        };
        b.set_attrs(&p("/f"), gid_only).await.unwrap();
        let m = b.stat(&p("/f")).await.unwrap();
        assert_eq!((m.posix.uid, m.posix.gid), (Some(7), Some(9)));
    }
}
