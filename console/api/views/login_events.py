"""/api/v1/login-events: the pool's login audit trail, filtered and cursor-paginated."""
from drf_spectacular.utils import extend_schema

from accounts.selectors import login_events_for_pool

from ..base import PoolAPIView
from ..schema import PAGE_PARAMETERS, errors, paginated
from ..serializers.login_events import LoginEventFilterSerializer, LoginEventSerializer


class LoginEventListView(PoolAPIView):
    @extend_schema(tags=["login-events"], operation_id="login_events_list",
                   parameters=[LoginEventFilterSerializer, *PAGE_PARAMETERS],
                   responses={200: paginated(LoginEventSerializer), **errors(400, 404)})
    def get(self, request):
        filters = LoginEventFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        f = filters.validated_data
        events = login_events_for_pool(
            pool=self.pool, user_sub=f.get("user"), connection=f.get("connection"), client_id=f.get("application"),
            outcome=f.get("outcome"), since=f.get("since"), until=f.get("until"),
        )
        return self.paginate(events, LoginEventSerializer)
