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
