"""WeChat's rules for the `scene` of a mini-program code, checked before any call."""
import re

from .errors import WeChatInvalidRequest

SCENE_MAX_LENGTH = 32
SCENE_ALLOWED = re.compile(r"\A[A-Za-z0-9!#$&'()*+,/:;=?@\-._~]+\Z")


def validate_scene(scene: str, api: str = "wxacode") -> str:
    """Return the scene if WeChat would accept it, else raise WeChatInvalidRequest with WeChat's code."""
    if not isinstance(scene, str) or not scene:
        raise WeChatInvalidRequest(40169, "invalid length for scene: empty", api)
    if len(scene) > SCENE_MAX_LENGTH:
        raise WeChatInvalidRequest(40169, f"invalid length for scene: {len(scene)} > {SCENE_MAX_LENGTH}", api)
    if not SCENE_ALLOWED.match(scene):
        raise WeChatInvalidRequest(40129, "invalid scene: characters outside A-Za-z0-9!#$&'()*+,/:;=?@-._~", api)
    return scene
