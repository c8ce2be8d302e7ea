import { useEffect, useRef, useState } from 'react';
import { Alert } from '../../components/alert';

/** Takes the video's current frame as a JPEG blob. */
function grab(video: HTMLVideoElement | null, onFrame: (frame: Blob) => void): void {
  if (!video || video.videoWidth === 0) return;
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  canvas.getContext('2d')?.drawImage(video, 0, 0);
  canvas.toBlob((blob) => blob && onFrame(blob), 'image/jpeg', 0.9);
}

/**
 * The webcam (Electron only: the desktop app grants video, never audio). Frames are taken from
 * the video element on request, or every couple of seconds in live mode, as JPEG blobs.
 */
export function WebcamCapture(props: { onFrame(frame: Blob): void; busy: boolean }) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState(false);
  const { onFrame, busy } = props;

  useEffect(() => {
    if (videoRef.current) videoRef.current.srcObject = stream;
    return () => stream?.getTracks().forEach((track) => track.stop());
  }, [stream]);

  async function start(): Promise<void> {
    setError(null);
    try {
      setStream(await navigator.mediaDevices.getUserMedia({ video: { width: 640 }, audio: false }));
    } catch (caught) {
      setError(
        `The webcam could not be opened (${caught instanceof Error ? caught.message : String(caught)}). ` +
          'Check that a camera is connected and not used by another program.',
      );
    }
  }

  const capture = (): void => grab(videoRef.current, onFrame);

  useEffect(() => {
    if (!live || !stream || busy) return undefined;
    const timer = setTimeout(() => grab(videoRef.current, onFrame), 1500);
    return () => clearTimeout(timer);
  }, [live, stream, busy, onFrame]);

  return (
    <div className="webcam">
      {stream ? (
        <>
          <video ref={videoRef} autoPlay playsInline muted className="webcam-video" />
          <div className="button-row">
            <button type="button" className="btn primary" onClick={capture} disabled={busy}>
              Capture
            </button>
            <label className="checkbox">
              <input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} />
              Keep predicting
            </label>
            <button
              type="button"
              className="btn"
              onClick={() => {
                setLive(false);
                setStream(null);
              }}
            >
              Stop the webcam
            </button>
          </div>
        </>
      ) : (
        <button type="button" className="btn" onClick={() => void start()}>
          Use the webcam
        </button>
      )}
      {error ? <Alert title="No webcam">{error}</Alert> : null}
    </div>
  );
}
