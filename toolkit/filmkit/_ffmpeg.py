"""The one place filmkit talks to ffmpeg (the binary shipped by imageio-ffmpeg).

- :class:`VideoWriter` pipes RGB frames into libx264 (yuv420p, faststart), optionally muxing a WAV as AAC;
  it always closes (or kills) the process it opened.
- :func:`probe` reads a file's real duration, fps, size, frame count and audio presence by asking ffmpeg.
- :func:`read_video` / :func:`read_audio` decode frames and samples for checks and analysis.
"""
from __future__ import annotations

import logging
import re
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from ._lazy import require
from .errors import MediaError

__all__ = ["ffmpeg_exe", "VideoWriter", "VideoInfo", "probe", "read_video", "iter_video", "read_audio",
           "write_wav"]


def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary."""
    return str(require("imageio_ffmpeg").get_ffmpeg_exe())


def _even(n: int) -> bool:
    return n % 2 == 0


class VideoWriter:
    """Write RGB uint8 frames of one size to an H.264 (yuv420p) mp4 with faststart.

    >>> import numpy as np, tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "grey.mp4"
    >>> with VideoWriter(out, size=(64, 36), fps=24) as w:
    ...     for _ in range(12):
    ...         w.write(np.full((36, 64, 3), 128, np.uint8))
    >>> probe(out).n_frames
    12
    """

    def __init__(self, path: str | Path, *, size: tuple[int, int], fps: float, crf: int = 18,
                 preset: str = "medium", audio: str | Path | None = None, audio_bitrate: str = "192k",
                 tune: str | None = None, extra: list[str] | None = None) -> None:
        w, h = size
        if w <= 0 or h <= 0 or not (_even(w) and _even(h)):
            raise MediaError(f"H.264 (yuv420p) needs an even width and height; got {w}×{h}. "
                             f"Use {w + (w % 2)}×{h + (h % 2)} or {w - (w % 2)}×{h - (h % 2)}.")
        if fps <= 0:
            raise MediaError(f"fps must be positive; got {fps}.")
        self.path = Path(path)
        self.size = (int(w), int(h))
        self.fps = fps
        self.frames_written = 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._tmp = self.path.with_name(f".{self.path.stem}.partial{self.path.suffix or '.mp4'}")
        cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
               "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-r", f"{fps}", "-i", "-"]
        if audio is not None:
            cmd += ["-i", str(audio)]
        cmd += ["-map", "0:v:0"]
        if audio is not None:
            cmd += ["-map", "1:a:0", "-c:a", "aac", "-b:a", audio_bitrate, "-shortest"]
        cmd += ["-c:v", "libx264", "-preset", preset, "-crf", str(crf), "-pix_fmt", "yuv420p",
                "-movflags", "+faststart"]
        if tune:
            cmd += ["-tune", tune]
        cmd += list(extra or [])
        cmd += [str(self._tmp)]
        self._proc: subprocess.Popen[bytes] | None = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def write(self, frame: np.ndarray) -> None:
        """Append one frame (H×W×3 uint8, RGB)."""
        if self._proc is None or self._proc.stdin is None:
            raise MediaError("this VideoWriter is closed; open a new one.")
        h, w = frame.shape[:2]
        if (w, h) != self.size or frame.ndim != 3 or frame.shape[2] != 3:
            raise MediaError(f"frame {self.frames_written} is {w}×{h}×{frame.shape[2] if frame.ndim == 3 else 1}; "
                             f"this video is {self.size[0]}×{self.size[1]}×3 (RGB).")
        if frame.dtype != np.uint8:
            frame = np.clip(frame, 0, 255).astype(np.uint8)
        try:
            self._proc.stdin.write(np.ascontiguousarray(frame).tobytes())
        except BrokenPipeError:
            err = self._finish(kill=True)
            raise MediaError(f"ffmpeg stopped while writing {self.path.name}: {err}") from None
        self.frames_written += 1

    def _finish(self, *, kill: bool) -> str:
        proc, self._proc = self._proc, None
        if proc is None:
            return ""
        if kill:
            proc.kill()
        try:
            assert proc.stdin is not None
            proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass
        err = proc.stderr.read() if proc.stderr is not None else b""
        try:
            proc.wait(timeout=600)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()
        msg = (err or b"").decode("utf-8", "replace").strip()
        if kill or proc.returncode != 0:
            self._tmp.unlink(missing_ok=True)
            return msg or f"exit code {proc.returncode}"
        self._tmp.replace(self.path)
        return ""

    def close(self) -> Path:
        """Finish the file; raises :class:`MediaError` if ffmpeg failed. Returns the path."""
        if self.frames_written == 0 and self._proc is not None:
            self._finish(kill=True)
            raise MediaError(f"no frames were written to {self.path.name}; a video needs at least one frame.")
        err = self._finish(kill=False)
        if err:
            raise MediaError(f"ffmpeg could not write {self.path.name}: {err}")
        return self.path

    def __enter__(self) -> "VideoWriter":
        return self

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        if exc_type is not None:
            self._finish(kill=True)
        else:
            self.close()

    def __del__(self) -> None:  # never leave an ffmpeg process behind
        if getattr(self, "_proc", None) is not None:
            self._finish(kill=True)


@dataclass(frozen=True)
class VideoInfo:
    """What ffmpeg reports about a media file."""

    duration: float
    fps: float | None
    size: tuple[int, int] | None
    n_frames: int | None
    has_audio: bool
    video_codec: str | None
    audio_codec: str | None
    pix_fmt: str | None


_DUR = re.compile(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)")
_VID = re.compile(r"Stream #\d+:\d+[^:]*: Video: (\w+)[^,]*, (\w+)[^,]*(?:\([^)]*\))?.*?, (\d{2,5})x(\d{2,5})")
_FPS = re.compile(r"(\d+(?:\.\d+)?) fps")
_AUD = re.compile(r"Stream #\d+:\d+[^:]*: Audio: (\w+)")
_FRAMES = re.compile(r"frame=\s*(\d+)")


def probe(path: str | Path, *, count_frames: bool = True) -> VideoInfo:
    """Ask ffmpeg what ``path`` really holds (never trusts the file name).

    ``n_frames`` is counted by demuxing the video stream (exact, fast) when ``count_frames``.
    """
    p = Path(path)
    if not p.is_file():
        raise MediaError(f"{p} does not exist or is not a file.")
    res = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(p)], capture_output=True, text=True,
                         errors="replace")
    info = res.stderr
    if "Invalid data found" in info or "Stream #" not in info:
        raise MediaError(f"ffmpeg cannot read {p.name} as media: {info.strip().splitlines()[-1] if info else ''}")
    m = _DUR.search(info)
    duration = int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3)) if m else 0.0
    v = _VID.search(info)
    size = (int(v.group(3)), int(v.group(4))) if v else None
    fps = None
    if v:
        line = info[v.start():info.find("\n", v.start())]
        f = _FPS.search(line)
        fps = float(f.group(1)) if f else None
    a = _AUD.search(info)
    n_frames = None
    if v and count_frames:
        res2 = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(p), "-map", "0:v:0", "-c", "copy",
                               "-f", "null", "-"], capture_output=True, text=True, errors="replace")
        frames = _FRAMES.findall(res2.stderr)
        n_frames = int(frames[-1]) if frames else None
    pix = None
    if v:
        pm = re.search(r"Video: \w+[^,]*, (\w+)", info[v.start():])
        pix = pm.group(1) if pm else None
    return VideoInfo(duration=duration, fps=fps, size=size, n_frames=n_frames, has_audio=a is not None,
                     video_codec=v.group(1) if v else None, audio_codec=a.group(1) if a else None, pix_fmt=pix)


def iter_video(path: str | Path, *, size: tuple[int, int] | None = None) -> Iterator[np.ndarray]:
    """Decode frames one at a time as H×W×3 uint8 RGB (optionally scaled to ``size``)."""
    iio = require("imageio_ffmpeg")
    # imageio-ffmpeg warns when we ask for another size than the source's: that is the point of `size`
    logging.getLogger("imageio_ffmpeg").setLevel(logging.ERROR)
    p = Path(path)
    if not p.is_file():
        raise MediaError(f"{p} does not exist or is not a file.")
    gen = iio.read_frames(str(p), pix_fmt="rgb24", output_params=(["-s", f"{size[0]}x{size[1]}"] if size else None))
    try:
        meta = next(gen)
        w, h = size or meta["size"]
        for raw in gen:
            yield np.frombuffer(raw, np.uint8).reshape(h, w, 3)
    except (RuntimeError, StopIteration) as exc:
        raise MediaError(f"ffmpeg could not decode {p.name}: {exc}") from None
    finally:
        gen.close()


def read_video(path: str | Path, *, size: tuple[int, int] | None = None,
               max_frames: int | None = None) -> tuple[np.ndarray, float]:
    """All frames as an (N, H, W, 3) uint8 array, plus the fps ffmpeg reports."""
    frames = []
    for i, f in enumerate(iter_video(path, size=size)):
        if max_frames is not None and i >= max_frames:
            break
        frames.append(f)
    info = probe(path, count_frames=False)
    if not frames:
        raise MediaError(f"{Path(path).name} has no video frames.")
    return np.stack(frames), float(info.fps or 0.0)


def read_audio(path: str | Path, *, sample_rate: int = 22050, mono: bool = True) -> np.ndarray:
    """Decode any audio ffmpeg reads (wav, mp3, m4a, the track of an mp4) to float32 samples in [-1, 1].

    Returns shape (N,) when ``mono`` else (N, 2).
    """
    p = Path(path)
    if not p.is_file():
        raise MediaError(f"{p} does not exist or is not a file.")
    ch = 1 if mono else 2
    res = subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", str(p), "-vn",
                          "-f", "f32le", "-acodec", "pcm_f32le", "-ac", str(ch), "-ar", str(sample_rate), "-"],
                         capture_output=True)
    if res.returncode != 0 or not res.stdout:
        err = res.stderr.decode("utf-8", "replace").strip() or "no audio stream"
        raise MediaError(f"ffmpeg could not read audio from {p.name}: {err}")
    y = np.frombuffer(res.stdout, np.float32).copy()
    return y if mono else y.reshape(-1, 2)


def write_wav(path: str | Path, samples: np.ndarray, sample_rate: int) -> Path:
    """Write float samples in [-1, 1] ((N,) or (N, channels)) as 16-bit PCM WAV."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    data = np.asarray(samples, dtype=np.float32)
    if data.ndim == 1:
        data = data[:, None]
    pcm = (np.clip(data, -1.0, 1.0) * 32767.0).round().astype("<i2")
    with wave.open(str(p), "wb") as wf:
        wf.setnchannels(pcm.shape[1])
        wf.setsampwidth(2)
        wf.setframerate(int(sample_rate))
        wf.writeframes(pcm.tobytes())
    return p
