"""The two chains the transformer benchmark measures, each written three ways: as a transform
spec run by the transformer's pipeline, as the shortest hand-written pyvips code (the floor), and
with Pillow (the baseline).

downscale:  resize to 800 px wide, rotate 15 degrees, grayscale, WebP q80
full-res:   sharpen, rotate 15 degrees, grayscale, blur (sigma 2), JPEG q85 at the source size
"""

from importlib.resources import files
from io import BytesIO

import pyvips
from PIL import Image, ImageFilter

SOURCE_PHOTO = "rocket.jpg"  # scikit-image's bundled photo (SpaceX, public domain), 640x427

SPECS = {
    "downscale": {
        "operations": [
            {"op": "resize", "width": 800},
            {"op": "rotate", "angle": 15},
            {"op": "grayscale"},
        ],
        "output": {"format": "webp", "quality": 80},
    },
    "full-res": {
        "operations": [
            {"op": "sharpen", "sigma": 1.0},
            {"op": "rotate", "angle": 15},
            {"op": "grayscale"},
            {"op": "blur", "sigma": 2.0},
        ],
        "output": {"format": "jpeg", "quality": 85},
    },
}


def photo_at(megapixels: float) -> bytes:
    """The real photo upscaled with libvips (Lanczos 3) to about `megapixels`, as a q90 JPEG:
    camera-sized input made from a real photograph, not synthesised noise."""
    source = (files("skimage") / "data" / SOURCE_PHOTO).read_bytes()
    image = pyvips.Image.new_from_buffer(source, "")
    scale = (megapixels * 1e6 / (image.width * image.height)) ** 0.5
    return image.resize(scale, kernel="lanczos3").jpegsave_buffer(Q=90)


def raw_pyvips(chain: str, data: bytes) -> bytes:
    """The least code libvips needs for the chain: the floor the pipeline is compared with."""
    if chain == "downscale":
        image = pyvips.Image.thumbnail_buffer(data, 800, height=10_000_000)
        image = image.copy_memory().rotate(15, background=[0, 0, 0]).colourspace("b-w")
        return image.webpsave_buffer(Q=80, keep="icc")
    image = pyvips.Image.new_from_buffer(data, "", access="sequential")
    image = (image * 2 - image.gaussblur(1.0, precision="integer")).cast("uchar").copy_memory()
    image = image.rotate(15, background=[0, 0, 0]).colourspace("b-w").gaussblur(2.0)
    return image.jpegsave_buffer(Q=85, keep="icc")


def pillow(chain: str, data: bytes) -> bytes:
    """The same chain with Pillow, written the fast way: thumbnail() with reducing_gap=2 lets the
    JPEG decoder shrink on load (draft) down to twice the target, then Lanczos does the rest --
    the same quality trade libvips' thumbnail makes."""
    image: Image.Image = Image.open(BytesIO(data))
    out = BytesIO()
    if chain == "downscale":
        height = round(image.height * 800 / image.width)
        image.thumbnail((800, height), Image.Resampling.LANCZOS, reducing_gap=2.0)
        image = image.rotate(15, Image.Resampling.BILINEAR, expand=True).convert("L")
        image.save(out, "WEBP", quality=80)
    else:
        image = image.filter(ImageFilter.UnsharpMask(radius=1.0, percent=100, threshold=0))
        image = image.rotate(15, Image.Resampling.BILINEAR, expand=True).convert("L")
        image = image.filter(ImageFilter.GaussianBlur(2.0))
        image.save(out, "JPEG", quality=85)
    return out.getvalue()
