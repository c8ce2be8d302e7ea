/**
 * The Python side of a proof in a Python runtime (LiteRT for .tflite, Keras 3 for .keras): a
 * small server reading batches of NHWC float32 images on stdin and answering probabilities on
 * stdout, both as length-prefixed frames, so one interpreter serves the whole validation split.
 * int8 models are fed and read the way their users do it: with the scale and zero point the
 * interpreter reports for the input and output tensors.
 */
export const PYTHON_PREDICT_SCRIPT = String.raw`
import json, os, struct, sys
os.environ.setdefault("KERAS_BACKEND", "jax")
import numpy as np
from importlib.metadata import version
kind, model_path, height, width = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
out, inp = sys.stdout.buffer, sys.stdin.buffer

def frame(data):
    out.write(struct.pack("<I", len(data)) + data)
    out.flush()

def read_exact(n):
    buf = bytearray()
    while len(buf) < n:
        chunk = inp.read(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)

def open_tflite():
    from ai_edge_litert.interpreter import Interpreter
    interpreter = Interpreter(model_path=model_path)
    interpreter.allocate_tensors()
    i, o = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
    def predict(x):
        rows = []
        for image in x:
            v = image[None]
            if i["dtype"] == np.int8:
                scale, zero = i["quantization"]
                v = np.clip(np.round(v / scale + zero), -128, 127).astype(np.int8)
            interpreter.set_tensor(i["index"], v)
            interpreter.invoke()
            r = interpreter.get_tensor(o["index"])
            if o["dtype"] == np.int8:
                scale, zero = o["quantization"]
                r = (r.astype(np.float32) - zero) * scale
            rows.append(r[0])
        return np.stack(rows)
    return predict, "LiteRT interpreter (ai-edge-litert, Python, CPU)", {"ai-edge-litert": version("ai-edge-litert")}

def open_keras():
    import keras
    model = keras.saving.load_model(model_path)
    def predict(x):
        return np.asarray(model.predict(x, verbose=0))
    runtime = f"Keras {keras.__version__} (keras.saving.load_model, {keras.backend.backend()} backend)"
    return predict, runtime, {"keras": keras.__version__, "keras-backend": keras.backend.backend()}

try:
    predict, runtime, versions = open_tflite() if kind == "tflite" else open_keras()
    versions["python"] = sys.version.split()[0]
    versions["numpy"] = np.__version__
    hello = {"ok": True, "runtime": runtime, "versions": versions}
except Exception as error:
    hello = {"ok": False, "error": f"{type(error).__name__}: {error}"}
frame(json.dumps(hello).encode())
if not hello["ok"]:
    sys.exit(1)
while True:
    head = read_exact(4)
    if head is None:
        break
    count = struct.unpack("<I", head)[0]
    x = np.frombuffer(read_exact(count * height * width * 3 * 4), dtype="<f4")
    y = predict(x.reshape(count, height, width, 3))
    frame(np.ascontiguousarray(y, dtype="<f4").tobytes())
`;
