package httpapi

import (
	"errors"
	"net/http"
	"strconv"

	"example.com/shop/internal/orders"
)

type createOrderRequest struct {
	Items []orders.Item `json:"items"`
}

type cancelOrderRequest struct {
	Reason string `json:"reason"`
}

type orderList struct {
	Orders []orders.Order `json:"orders"`
	Page   int            `json:"page"`
	Size   int            `json:"size"`
	Total  int            `json:"total"`
}

// handleCreateOrder places an order: POST /v1/orders.
func (s *Server) handleCreateOrder(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	var in createOrderRequest
	if err := decodeJSON(w, r, &in); err != nil {
		writeError(w, r, http.StatusBadRequest, "bad_request", err.Error())
		return
	}
	o, err := s.orders.Create(r.Context(), sess.UserID, in.Items)
	if err != nil {
		writeError(w, r, http.StatusUnprocessableEntity, "invalid_order", err.Error())
		return
	}
	w.Header().Set("Location", "/v1/orders/"+o.ID)
	writeJSON(w, http.StatusCreated, o)
}

// handleListOrders lists the user's orders: GET /v1/orders?page=&size=.
func (s *Server) handleListOrders(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	page, err := pageFromQuery(r)
	if err != nil {
		writeError(w, r, http.StatusBadRequest, "bad_request", err.Error())
		return
	}
	list, total := s.orders.List(r.Context(), sess.UserID, page)
	if list == nil {
		list = []orders.Order{}
	}
	writeJSON(w, http.StatusOK, orderList{Orders: list, Page: page.Number, Size: page.Size, Total: total})
}

// handleGetOrder returns one order: GET /v1/orders/{id}.
func (s *Server) handleGetOrder(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	o, err := s.orders.Get(r.Context(), sess.UserID, r.PathValue("id"))
	if err != nil {
		writeError(w, r, http.StatusNotFound, "not_found", err.Error())
		return
	}
	writeJSON(w, http.StatusOK, o)
}

// handleCancelOrder cancels an order that has not shipped:
// POST /v1/orders/{id}/cancel (FR-017, FR-018).
func (s *Server) handleCancelOrder(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	var in cancelOrderRequest
	if r.ContentLength != 0 {
		if err := decodeJSON(w, r, &in); err != nil {
			writeError(w, r, http.StatusBadRequest, "bad_request", err.Error())
			return
		}
	}
	o, err := s.orders.Cancel(r.Context(), sess.UserID, r.PathValue("id"), in.Reason)
	switch {
	case errors.Is(err, orders.ErrNotFound):
		writeError(w, r, http.StatusNotFound, "not_found", err.Error())
		return
	case errors.Is(err, orders.ErrNotCancellable):
		writeError(w, r, http.StatusConflict, "not_cancellable", err.Error())
		return
	case err != nil:
		writeError(w, r, http.StatusInternalServerError, "internal", "internal error")
		return
	}
	writeJSON(w, http.StatusOK, o)
}

// pageFromQuery reads ?page= and ?size= (FR-015).
func pageFromQuery(r *http.Request) (orders.Page, error) {
	var p orders.Page
	q := r.URL.Query()
	for name, dst := range map[string]*int{"page": &p.Number, "size": &p.Size} {
		v := q.Get(name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return orders.Page{}, errors.New(name + " must be a positive integer")
		}
		*dst = n
	}
	return p.Normalize(), nil
}
