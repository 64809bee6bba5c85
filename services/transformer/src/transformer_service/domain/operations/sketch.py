"""Art styles: seven styles x three methods, implemented in domain.styles (one module a style).

Stroke widths scale with the image, so a thumbnail and a poster get the same look.
"""

import pyvips

from platform_common.transform_spec import Sketch
from transformer_service.domain.operations.context import OperationContext
from transformer_service.domain.operations.registry import implements
from transformer_service.domain.styles import render_style


@implements(Sketch)
def sketch(image: pyvips.Image, op: Sketch, context: OperationContext) -> pyvips.Image:
    return render_style(image, op.style, op.method)
