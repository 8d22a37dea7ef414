//! The one loop that runs an [`Engine`], for every runner: the plugin's shell in the browser,
//! the native test harness and the benchmarks each implement [`Io`] (how a request is sent, a
//! host call made, a wait waited, a write written) and call [`drive`]. What a run writes once
//! it is over, and in what order, is [`Ending`]: a pure step the driver feeds to the same `Io`.
//!
//! Nothing here performs an effect or depends on a runtime: `Io`'s futures are the runner's.
//! A runner whose effects are synchronous returns ready futures and polls [`drive`] once.

use super::{Action, CrmCall, Engine, Input, Phase, Retrying, RunError, RunReport, RunResult};
use crate::people::request::HttpRequest;
use crate::sync::error::ErrorCode;
use crate::sync::model::Millis;
use crate::sync::state::{AccountState, Touched};
use std::future::Future;

/// A write to the host's storage that failed: what the host said, and its own code when it
/// gave one (`UNAUTHENTICATED`: the CRM session ended).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteFailed {
    pub message: String,
    pub host_code: Option<String>,
}

/// A run's progress: counts, and what it is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress<'a> {
    pub done: usize,
    pub total: usize,
    pub phase: Phase,
    /// While the run waits to try a request again: what failed, and when the next attempt is.
    pub retrying: Option<&'a Retrying>,
    /// The phase starts with the action just polled, before its answer: no counts yet.
    pub starts: bool,
}

/// One of the writes at the end of a run, in the order [`Ending`] gives them.
#[derive(Debug)]
pub enum EndWrite<'a> {
    /// The account's state: `touched` names the entries the run changed. Once it is saved the
    /// runner may keep it (taking it out of the result).
    State {
        state: &'a mut AccountState,
        touched: &'a Touched,
    },
    /// Removes the run journal: the state that records the run's writes is saved.
    ClearJournal,
    /// Keeps the run's before-images, to undo it (`crate::store::undo` lays them out).
    Undo(&'a crate::sync::plan::RunUndo),
    /// Appends the run's report to the account's run log.
    Log(&'a RunReport),
    /// The account's summary: when it last ran, and how many links it has.
    Meta { links: usize },
}

/// The effects a run needs from its runner.
pub trait Io {
    /// The time now, in ms since the epoch (the engine's clock).
    fn now(&mut self) -> Millis;

    /// Whether the user asked the run to stop.
    fn cancel_requested(&mut self) -> bool;

    /// Whether the run may go on to `action`; `false` ends it there, as a closed tab ends it:
    /// nothing more is sent or saved (the journal keeps what it said). The shell says `false`
    /// before a write once another tab took the account over.
    fn proceed(&mut self, action: &Action) -> impl Future<Output = bool>;

    /// Sends a request to Google: [`Input::Http`], [`Input::HttpFailed`], or
    /// [`Input::Cancelled`] when a cancel aborted it.
    fn google(&mut self, request: HttpRequest) -> impl Future<Output = Input>;

    /// Fetches a photo's bytes (a plain GET of Google's photo URL, no token): [`Input::Downloaded`],
    /// [`Input::HttpFailed`], or [`Input::Cancelled`].
    fn download(&mut self, url: &str, max_bytes: usize) -> impl Future<Output = Input>;

    /// Calls the host's `contacts` API.
    fn crm(&mut self, call: CrmCall) -> impl Future<Output = Input>;

    /// Writes the run journal. (Its removal waits for the end of the run: [`Ending`].)
    fn write_journal(&mut self, text: &str) -> impl Future<Output = Result<(), WriteFailed>>;

    /// Waits until `until`, or less if the user cancels meanwhile.
    fn sleep_until(&mut self, until: Millis) -> impl Future<Output = ()>;

    /// Shows the run's progress.
    fn progress(&mut self, progress: Progress<'_>);

    /// Makes one of the end-of-run writes.
    fn write(&mut self, write: EndWrite<'_>) -> impl Future<Output = Result<(), WriteFailed>>;
}

/// Runs `engine` to its end through `io`, then makes the end-of-run writes ([`Ending`]) unless
/// it is a preview. `None`: [`Io::proceed`] stopped the run, and nothing was saved.
pub async fn drive(mut engine: Engine, io: &mut impl Io) -> Option<RunResult> {
    let preview = engine.previews();
    // The engine clears the journal when its writes are done; the journal is removed only at
    // the end, once the state that records those writes is saved.
    let mut clear_journal = false;
    let mut journal_failed = None;
    let mut cancelled = false;
    // Told at once, before the first request answers: a page following the account's runs sees
    // this one from its start.
    io.progress(Progress {
        done: 0,
        total: 0,
        phase: Phase::Starting,
        retrying: None,
        starts: false,
    });
    loop {
        if !cancelled && io.cancel_requested() {
            cancelled = true;
            engine.cancel();
        }
        let action = engine.poll(io.now());
        if let Some(phase) = engine.starts() {
            io.progress(Progress {
                done: 0,
                total: 0,
                phase,
                retrying: None,
                starts: true,
            });
        }
        if !io.proceed(&action).await {
            return None;
        }
        match action {
            Action::Http(request) => {
                let input = io.google(request).await;
                engine.handle(input, io.now());
            }
            Action::Crm(call) => {
                let input = io.crm(call).await;
                engine.handle(input, io.now());
            }
            Action::Download { url, max_bytes } => {
                let input = io.download(&url, max_bytes).await;
                engine.handle(input, io.now());
            }
            Action::SaveJournal(text) => {
                // The engine cannot do without the journal's answer; a storage failure only
                // weakens crash safety, so the run goes on and reports it.
                clear_journal = text.is_none();
                if let (Some(text), false) = (text, preview) {
                    if let Err(f) = io.write_journal(&text).await {
                        journal_failed = Some(f);
                    }
                }
                engine.handle(Input::Saved, io.now());
            }
            Action::Sleep { until } => io.sleep_until(until).await,
            Action::Progress {
                done,
                total,
                phase,
                retrying,
            } => io.progress(Progress {
                done,
                total,
                phase,
                retrying: retrying.as_ref(),
                starts: false,
            }),
            Action::Done => break,
        }
    }
    let mut result = engine.finish();
    if !preview {
        let mut ending = Ending::new(&result, clear_journal, journal_failed);
        while let Some(write) = ending.next(&mut result) {
            let answer = io.write(write).await;
            ending.answered(answer);
        }
        ending.report(&mut result.report);
    }
    Some(result)
}

/// The end of a run that writes, as a pure step: which write comes next, and what each failure
/// means for the report. The state first; the journal is removed only once that state is saved,
/// so a save that fails leaves the journal for the next run to recover from; then the report to
/// the run log and the account's summary, each attempted whatever came before.
#[derive(Debug)]
pub struct Ending {
    next: EndStep,
    clear_journal: bool,
    links: usize,
    /// Errors of the run's own storage writes, in the order met, for the report.
    failures: Vec<RunError>,
    /// The run log or the summary could not be written.
    log_failed: Option<WriteFailed>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum EndStep {
    State,
    ClearJournal,
    Undo,
    Log,
    Meta,
    Over,
}

impl Ending {
    /// The end of the run that produced `result`. `clear_journal`: the run's last word on its
    /// journal was that its writes are done; `journal_failed`: a write of the journal failed.
    pub fn new(
        result: &RunResult,
        clear_journal: bool,
        journal_failed: Option<WriteFailed>,
    ) -> Ending {
        let failures = journal_failed
            .map(|f| failure("the run journal could not be saved", f))
            .into_iter()
            .collect();
        Ending {
            next: EndStep::State,
            clear_journal,
            links: result.state.links.len(),
            failures,
            log_failed: None,
        }
    }

    /// The next write to make, or `None` when the end is over. Before the log, the report takes
    /// the failures met so far, so the log holds them.
    pub fn next<'r>(&mut self, result: &'r mut RunResult) -> Option<EndWrite<'r>> {
        if self.next == EndStep::ClearJournal && !self.clear_journal {
            self.next = EndStep::Undo;
        }
        if self.next == EndStep::Undo && result.undo.is_none() {
            self.next = EndStep::Log;
        }
        match self.next {
            EndStep::State => Some(EndWrite::State {
                state: &mut result.state,
                touched: &result.touched,
            }),
            EndStep::ClearJournal => Some(EndWrite::ClearJournal),
            EndStep::Undo => result.undo.as_ref().map(EndWrite::Undo),
            EndStep::Log => {
                for f in self.failures.drain(..) {
                    result.report.ok = false;
                    result.report.errors.push(f);
                }
                Some(EndWrite::Log(&result.report))
            }
            EndStep::Meta => Some(EndWrite::Meta { links: self.links }),
            EndStep::Over => None,
        }
    }

    /// Records how the write [`Ending::next`] gave went.
    pub fn answered(&mut self, answer: Result<(), WriteFailed>) {
        match (self.next, answer) {
            (EndStep::State, Ok(())) => self.next = EndStep::ClearJournal,
            (EndStep::State, Err(f)) => {
                self.failures.push(failure(
                    "the sync state could not be saved (the next run lists both sides in full \
                     and links again what this one did)",
                    f,
                ));
                // The journal stays for the next run to recover from.
                self.clear_journal = false;
                self.next = EndStep::Undo;
            }
            (EndStep::ClearJournal, answer) => {
                if let Err(f) = answer {
                    // The next run finds the journal and lists Google in full: slower, safe.
                    self.failures
                        .push(failure("the run journal could not be cleared", f));
                }
                self.next = EndStep::Undo;
            }
            (EndStep::Undo, answer) => {
                if let Err(f) = answer {
                    self.failures.push(failure(
                        "what the run changed could not be kept, so it cannot be undone",
                        f,
                    ));
                }
                self.next = EndStep::Log;
            }
            (EndStep::Log, answer) => {
                self.log_failed = answer.err();
                self.next = EndStep::Meta;
            }
            (EndStep::Meta, answer) => {
                if let Err(f) = answer {
                    self.log_failed.get_or_insert(f);
                }
                self.next = EndStep::Over;
            }
            (EndStep::Over, _) => {}
        }
    }

    /// Adds to the report what the run log itself could not hold: the run is over and its
    /// report is in hand, so the caller hears of it there.
    pub fn report(self, report: &mut RunReport) {
        for f in self.failures {
            report.ok = false;
            report.errors.push(f);
        }
        if let Some(f) = self.log_failed {
            report.ok = false;
            report.errors.push(RunError::new(
                ErrorCode::HostError,
                format!("the run log could not be saved: {}", f.message),
                None,
            ));
        }
    }
}

/// A storage failure as the report says it: what could not be done, keeping the host's code
/// (a CRM session that ended says so, not "try again").
fn failure(what: &str, f: WriteFailed) -> RunError {
    RunError {
        host_code: f.host_code,
        ..RunError::new(ErrorCode::HostError, format!("{what}: {}", f.message), None)
    }
}
