"""Jobs that die the way a native crash kills a process (os.abort: SIGABRT), for worker tests."""
import faulthandler
import os


def _die():
    faulthandler.disable()  # the crash is the point; no traceback dump in the test output
    os.abort()


def abort_now():
    _die()


def transcribe_with_crashing_decoder(recording_id: int):
    import transcription.pipeline as pipeline

    # Stands in for a segfault inside Kaldi: the job's process dies in the middle of decoding.
    pipeline.decode_utterances = lambda *args: _die()
    return pipeline.transcribe_recording(recording_id)


def still_serving():
    return "served"


def transcribe_until_killed(recording_id: int, pid_file: str):
    """While `pid_file` does not exist: a decode that writes it and hangs, so a test can kill its
    worker in the middle of decoding. Once it exists: a real decode."""
    import time

    import transcription.pipeline as pipeline

    if not os.path.exists(pid_file):
        def hang(*_args):
            with open(pid_file, "w") as out:
                out.write(str(os.getpid()))
            time.sleep(600)

        pipeline.decode_utterances = hang
    return pipeline.transcribe_recording(recording_id)


def transcribe_then_be_killed(recording_id: int):
    """The decoding child alone is SIGKILLed (as the OOM killer does), its worker living on."""
    import signal

    import transcription.pipeline as pipeline

    pipeline.decode_utterances = lambda *args: os.kill(os.getpid(), signal.SIGKILL)
    return pipeline.transcribe_recording(recording_id)
